//! Input built to exhaust the importer, given to the real binary: a zip
//! whose one cell inflates to a gibibyte (a zip bomb) and a body over the
//! upload limit are refused with an error naming the file and the limit,
//! and the server's resident memory stays bounded while it refuses them;
//! a CSV record over the record limit is refused naming its file and line.

use crate::support::*;
use crate::web::{Server, serve};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The growth of the server's resident memory allowed above idle while it
/// refuses the uploads of a test.
const MEMORY_BOUND_KB: u64 = 150 * 1024;

/// The server process's resident memory (VmRSS), in KiB.
fn resident_kb(s: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.pid())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Writes to `path` a zip whose `meetings.csv` holds a header and one
/// record with a cell of `cell` bytes of `a`, streamed from a repeating
/// reader (never held in memory).
fn zip_bomb(path: &std::path::Path, cell: u64) {
    let file = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    z.start_file("meetings.csv", options).unwrap();
    z.write_all(b"meeting_id,pairing_id,date,kind,top_leader\nM1,CNTY-440101-450122,")
        .unwrap();
    std::io::copy(&mut std::io::repeat(b'a').take(cell), &mut z).unwrap();
    z.write_all(b",joint_meeting,0\n").unwrap();
    z.finish().unwrap().flush().unwrap();
}

/// Posts `file` (named `name`) as a multipart upload, streaming it from
/// disk on a thread of its own (the server may stop reading early), with
/// `extra` bytes of padding after it; returns the status and the body.
fn post_upload(
    s: &Server,
    token: &str,
    name: &str,
    file: &std::path::Path,
    extra: u64,
) -> (u16, String) {
    let head = format!(
        "--XZBOUNDARY\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let tail = "\r\n--XZBOUNDARY--\r\n";
    let size = std::fs::metadata(file).unwrap().len() + extra;
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(
        stream,
        "POST /api/v1/uploads HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XZBOUNDARY\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
        s.addr,
        head.len() as u64 + size + tail.len() as u64
    )
    .unwrap();
    let mut w = stream.try_clone().unwrap();
    let path = file.to_path_buf();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::File::open(path).unwrap();
        if std::io::copy(&mut f, &mut w).is_err() {
            return;
        }
        if std::io::copy(&mut std::io::repeat(b'a').take(extra), &mut w).is_err() {
            return;
        }
        let _ = w.write_all(tail.as_bytes());
    });
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    writer.join().unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

#[test]
fn a_zip_bomb_and_an_oversized_upload_are_refused_within_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "limits.db");
    let bomb = tmp.path().join("bomb.zip");
    zip_bomb(&bomb, 1 << 30);
    let token = crate::web::account_token(&db, "uploader", &["--role", "admin"]);
    let s = serve(&db, &["--max-upload-mib", "16"]);
    let idle = resident_kb(&s);

    let (status, body) = post_upload(&s, &token, "bomb.zip", &bomb, 0);
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains(
            "bomb.zip: meetings.csv unpacks to more than 1024 MiB (the limit of one file in an upload)"
        ),
        "{body}"
    );
    // Below the size limit but compressed far more than real data.
    let dense = tmp.path().join("dense.zip");
    zip_bomb(&dense, 256 << 20);
    let (status, body) = post_upload(&s, &token, "dense.zip", &dense, 0);
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains(
            "dense.zip: meetings.csv unpacks to more than 200 times its compressed size, as a zip bomb does (the limit of compression in an upload)"
        ),
        "{body}"
    );

    // 64 MiB against a 16 MiB limit: refused before it is read whole.
    let small = tmp.path().join("meetings.csv");
    std::fs::write(&small, "meeting_id\n").unwrap();
    let (status, body) = post_upload(&s, &token, "meetings.csv", &small, 64 << 20);
    assert!(status == 413 || status == 400, "{status}: {body}");

    let grown = resident_kb(&s).saturating_sub(idle);
    assert!(
        grown < MEMORY_BOUND_KB,
        "the server grew by {grown} KiB over {idle} KiB idle"
    );
    // The server still answers.
    let (status, _) = crate::web::raw_request(
        &s.addr,
        "GET",
        "/api/v1/health",
        &format!("Authorization: Bearer {token}\r\n"),
        "",
    );
    assert_eq!(status, 200);
}

/// A copy of the test dataset whose first project has a name of `chars`
/// characters.
fn dataset_with_a_long_name(dir: &std::path::Path, chars: usize) -> std::path::PathBuf {
    let data = dir.join("dataset");
    copy_dataset(&data_dir().join("dataset"), &data);
    let projects = data.join("projects.csv");
    let text = std::fs::read_to_string(&projects).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    fields[3] = "x".repeat(chars);
    lines[1] = fields.join(",");
    std::fs::write(&projects, lines.join("\n") + "\n").unwrap();
    data
}

#[test]
fn a_record_over_the_limit_is_refused_naming_the_file_and_line_and_the_flag_raises_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "records.db");
    let data = dataset_with_a_long_name(tmp.path(), 2 << 20);
    let dir = data.to_str().unwrap();
    let r = xiezuo(&db, &["import", dir, "--max-record-bytes", "1048576"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "projects.csv:2: record longer than 1 MiB (the limit of one record; raise it with xiezuo import --max-record-bytes)"
        ),
        "{}",
        r.stderr
    );
    // The record fits; its cell does not.
    let r = xiezuo(&db, &["import", dir, "--max-cell-chars", "65536"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(!r.stderr.contains("record longer"), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "projects.csv:2 [name]: cell longer than 65536 characters (the limit of one cell; raise it with xiezuo import --max-cell-chars)"
        ),
        "{}",
        r.stderr
    );
    // Within the default limits (64 MiB a record) the row is read.
    let r = xiezuo(&db, &["import", dir]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn too_many_rows_and_too_large_a_file_are_refused_naming_the_file_and_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "rows.db");
    let data = tmp.path().join("dataset");
    copy_dataset(&data_dir().join("dataset"), &data);
    let dir = data.to_str().unwrap();
    let r = xiezuo(&db, &["import", dir, "--max-rows", "2"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "meetings.csv:4: more than 2 rows (the limit of rows in one file; raise it with xiezuo import --max-rows)"
        ),
        "{}",
        r.stderr
    );
    let r = xiezuo(&db, &["import", dir, "--max-file-bytes", "1000"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "meetings.csv:0: file larger than 1000 bytes (the limit of one file; raise it with xiezuo import --max-file-bytes)"
        ),
        "{}",
        r.stderr
    );
    let r = xiezuo(&db, &["import", dir, "--max-rows", "100000000"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// Polls a job of the server until it is no longer running.
fn finished_job(s: &Server, token: &str, id: &str) -> serde_json::Value {
    let start = std::time::Instant::now();
    loop {
        let (status, body) = crate::web::raw_request(
            &s.addr,
            "GET",
            &format!("/api/v1/jobs/{id}"),
            &format!("Authorization: Bearer {token}\r\n"),
            "",
        );
        assert_eq!(status, 200, "{body}");
        let j: serde_json::Value = serde_json::from_str(&body).unwrap();
        if j["state"] != "running" {
            return j;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "job {id}: {j}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_zipped_dataset_is_checked_and_committed_from_its_compressed_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let db = TestDb::new(tmp.path(), "zipped.db");
    let archive = tmp.path().join("dataset.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(data_dir().join("dataset"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for (i, path) in names.iter().enumerate() {
        let name = path.file_name().unwrap().to_str().unwrap();
        // Stored and deflated entries alike, in a folder as zip tools write.
        let options = if i % 2 == 0 {
            deflate
        } else {
            deflate.compression_method(zip::CompressionMethod::Stored)
        };
        z.start_file(format!("dataset/{name}"), options).unwrap();
        z.write_all(&std::fs::read(path).unwrap()).unwrap();
    }
    z.finish().unwrap();
    let token = crate::web::account_token(&db, "uploader", &["--role", "admin"]);
    let s = serve(&db, &[]);
    let (status, body) = post_upload(&s, &token, "dataset.zip", &archive, 0);
    assert_eq!(status, 200, "{body}");
    let started: serde_json::Value = serde_json::from_str(&body).unwrap();
    let check = finished_job(&s, &token, started["job"].as_str().unwrap());
    assert_eq!(check["state"], "done", "{check}");
    assert_eq!(check["result"]["valid"], true, "{check}");
    let upload = started["token"].as_str().unwrap();
    let (status, body) = crate::web::raw_request(
        &s.addr,
        "POST",
        &format!("/api/v1/uploads/{upload}/commit"),
        &format!("Authorization: Bearer {token}\r\n"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    let job: serde_json::Value = serde_json::from_str(&body).unwrap();
    let done = finished_job(&s, &token, job["job"].as_str().unwrap());
    assert_eq!(done["state"], "done", "{done}");
    assert!(done["result"]["batch_id"].is_i64(), "{done}");
}
