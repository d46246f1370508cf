//! Every message has a Chinese text: a bad upload's row errors each carry
//! a code of the message catalogue (never the generic one), a Chinese
//! reason and the column's Chinese label; an error body carries its
//! message in Chinese, the wrong password too.

use crate::security_input::{server, upload_check};
use crate::web::raw_request;
use serde_json::Value;

const REGIONS: &str = "code,name,level,parent,side,poor_county,poor_village,deep_poverty,exit_year
450000000000,广西壮族自治区,province,,west,,,,
45010,南宁市,prefecture,450000000000,,,,,
450100000000,南宁市,town,450000000000,,,,,
450102000000,,county,450100000000,,,,,
450103000000,兴宁区,county,450100000000,,maybe,,,
450104000000,青秀区,province,,west,,,,
450105000000,江南区,county,450100000000,,,,,2019-02-30x
450106000000,西乡塘区
";

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_bad_upload_has_a_code_and_a_chinese_reason_for_every_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, s, token) = server(tmp.path());
    let body = upload_check(&s.addr, &token, "regions.csv", REGIONS.as_bytes());
    let job: Value = serde_json::from_str(&body).unwrap();
    let errors = job["result"]["errors"].as_array().unwrap();
    assert!(errors.len() >= 6, "{job}");
    for e in errors {
        let code = e["code"].as_str().unwrap_or("");
        assert!(!code.is_empty() && code != "other", "{e}");
        let zh = e["reason_zh"].as_str().unwrap_or("");
        assert!(has_chinese(zh), "{e}");
        assert_ne!(zh, e["reason"].as_str().unwrap_or(""), "{e}");
        let column = e["column"].as_str().unwrap_or("");
        if !column.is_empty() && column != "?" {
            assert!(has_chinese(e["column_zh"].as_str().unwrap_or("")), "{e}");
        }
    }
    let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
    for want in [
        "region_code.malformed",
        "cell.unknown_value",
        "cell.required_empty",
        "cell.not_bool",
        "region.level_mismatch",
        "row.field_count",
    ] {
        assert!(codes.contains(&want), "{want} in {codes:?}");
    }
    // The English reason is as before, the Chinese names the same value.
    let level = errors
        .iter()
        .find(|e| e["code"] == "cell.unknown_value")
        .unwrap();
    assert_eq!(
        level["reason"],
        "unknown value town (expected province|prefecture|county|township|village)"
    );
    assert_eq!(level["params"]["value"], "town");
    assert_eq!(level["column_zh"], "级别");
}

#[test]
fn a_wrong_password_is_said_in_chinese_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, s, _token) = server(tmp.path());
    let (status, body) = raw_request(
        &s.addr,
        "POST",
        "/api/v1/session",
        "Content-Type: application/json\r\n",
        r#"{"login":"sec","password":"not the password"}"#,
    );
    assert_eq!(status, 401, "{body}");
    let b: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(b["code"], "unauthorized");
    assert_eq!(b["message"], "wrong login or password");
    assert_eq!(b["message_zh"], "登录名或密码错误");
    let (status, body) = raw_request(&s.addr, "GET", "/api/v1/no-such-thing", "", "");
    assert_eq!(status, 404, "{body}");
    let b: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(b["message_zh"], "没有这个页面或接口");
}
