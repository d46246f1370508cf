//! Synthetic but plausible Chinese names: persons, places, organisations,
//! courses and products.

use crate::rng::{Rng, chance, index, pick};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
];
const MALE: &[&str] = &[
    "伟", "强", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "波",
    "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "洋", "磊", "国", "建", "成",
    "生", "福", "贵", "海", "山", "水", "金", "文", "德", "荣", "学", "忠", "志", "兴", "永", "祥",
];
const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "梅", "兰", "琴", "云",
    "莲", "红", "燕", "萍", "洁", "婷", "雪", "慧", "颖", "倩", "琳", "月", "花", "凤", "春", "珍",
];
const PLACE: &[&str] = &[
    "丰", "龙", "新", "寨", "白", "花", "石", "阳", "东", "西", "南", "北", "山", "水", "河", "江",
    "湖", "海", "林", "田", "源", "岭", "坪", "塘", "营", "平", "安", "宁", "和", "兴", "福", "德",
    "仁", "义", "礼", "智", "信", "春", "秋", "青", "红", "黄", "绿", "金", "银", "云", "月", "星",
    "长", "清", "华", "古", "关", "口", "桥", "沟", "坝", "堡", "湾", "溪", "泉", "乐", "凤", "双",
];
const ORG_SUFFIX: &[&str] = &[
    "实业有限公司",
    "科技股份有限公司",
    "电子有限公司",
    "服装有限公司",
    "农业发展有限公司",
    "食品有限公司",
    "建设集团有限公司",
    "物流有限公司",
    "医药有限公司",
    "新材料有限公司",
];

/// A person's name: surname plus one or two given characters.
pub fn person(rng: &mut Rng, male: bool) -> String {
    let mut s = String::with_capacity(9);
    let x: &&str = pick(rng, SURNAMES);
    s.push_str(x);
    let given = if male { MALE } else { FEMALE };
    let x: &&str = pick(rng, given);
    s.push_str(x);
    if chance(rng, 0.6) {
        let set = if chance(rng, 0.8) { given } else { MALE };
        let x: &&str = pick(rng, set);
        s.push_str(x);
    }
    s
}

/// A person's name, male with probability `p_male`.
pub fn person_p(rng: &mut Rng, p_male: f64) -> String {
    let male = chance(rng, p_male);
    person(rng, male)
}

/// Two place characters and a suffix, e.g. `丰龙县`.
pub fn place(rng: &mut Rng, suffix: &str) -> String {
    let ai = index(rng, PLACE.len());
    let bi = (ai + 1 + index(rng, PLACE.len() - 1)) % PLACE.len();
    let (a, b) = (PLACE[ai], PLACE[bi]);
    format!("{a}{b}{suffix}")
}

/// An enterprise name.
pub fn enterprise(rng: &mut Rng) -> String {
    let suffix = *pick(rng, ORG_SUFFIX);
    place(rng, suffix)
}

/// The real name of a province by its two-digit prefix.
pub fn province(prefix: u32) -> &'static str {
    match prefix {
        11 => "北京市",
        12 => "天津市",
        21 => "辽宁省",
        31 => "上海市",
        32 => "江苏省",
        33 => "浙江省",
        35 => "福建省",
        37 => "山东省",
        44 => "广东省",
        15 => "内蒙古自治区",
        45 => "广西壮族自治区",
        50 => "重庆市",
        51 => "四川省",
        52 => "贵州省",
        53 => "云南省",
        54 => "西藏自治区",
        61 => "陕西省",
        62 => "甘肃省",
        63 => "青海省",
        64 => "宁夏回族自治区",
        65 => "新疆维吾尔自治区",
        _ => "某省",
    }
}

/// Names of poor-labour training courses.
pub const LABOR_COURSES: &[&str] = &[
    "家政服务培训班",
    "电工培训班",
    "焊工培训班",
    "厨师培训班",
    "电子装配培训班",
    "养老护理培训班",
    "挖掘机操作培训班",
    "电商创业培训班",
    "缝纫工培训班",
    "汽车维修培训班",
];
/// Names of cadre training courses.
pub const CADRE_COURSES: &[&str] = &["党政干部能力提升班", "乡村振兴专题研修班", "扶贫干部培训班"];
/// Names of technician training courses.
pub const TECH_COURSES: &[&str] = &[
    "临床医学培训班",
    "教师教学能力培训班",
    "农业技术培训班",
    "护理技术培训班",
];
/// Names of village-leader training courses.
pub const VILLAGE_COURSES: &[&str] = &["村两委干部培训班", "致富带头人培训班", "村级治理培训班"];
/// Products sold in consumption assistance.
pub const PRODUCTS: &[&str] = &[
    "核桃",
    "土豆",
    "蜂蜜",
    "茶叶",
    "香菇",
    "木耳",
    "牛肉",
    "大米",
    "苹果",
    "百香果",
    "辣椒",
    "猕猴桃",
];
/// Free-text buyers.
pub const BUYERS: &[&str] = &[
    "工会采购",
    "机关食堂",
    "某电商平台",
    "学校食堂",
    "超市",
    "个人",
];
/// Free-text employers.
pub const EMPLOYERS: &[&str] = &[
    "个体餐馆",
    "建筑工地",
    "物流园",
    "家政公司",
    "工厂",
    "农场",
    "酒店",
];
/// Names of co-built parks.
pub const PARKS: &[&str] = &["东西协作产业园", "扶贫产业园", "共建工业园", "农业科技园"];
/// Kinds of project names by category.
pub const PROJECT_KINDS: &[(&str, &str)] = &[
    ("infrastructure", "道路硬化项目"),
    ("infrastructure", "饮水安全项目"),
    ("industry", "特色种植项目"),
    ("industry", "养殖合作社项目"),
    ("education", "学校改扩建项目"),
    ("health", "卫生室建设项目"),
    ("housing", "危房改造项目"),
    ("labor", "扶贫车间项目"),
    ("other", "综合帮扶项目"),
];
/// Names of milestones, in order.
pub const MILESTONES: &[&str] = &["立项批复", "开工建设", "中期验收", "主体完工", "竣工验收"];
