// The word tables the demo county (demo.hpp) draws its synthetic names from:
// people, villages, townships, counties, units and party organisations.
//
// Names are combined from common characters, so a generated name may happen
// to match a real person or place; the codes never do (they all lie under
// 149xxx), and that is what keeps the demo from naming anyone real.
#pragma once

#include <string_view>

namespace lianxin::demo {

// Common surnames, most frequent first: the demo draws the front of the list
// more often, as a real register reads.
inline constexpr std::string_view kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚",
    "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史",
    "顾", "侯", "邵", "孟", "龙", "万", "段", "申", "牛", "常", "武", "乔", "贺", "赖", "龚", "文",
};

inline constexpr std::string_view kMaleGivenChars[] = {
    "建", "国", "军", "伟", "强", "明", "志", "永", "海", "平", "文", "东", "华", "林", "斌", "勇",
    "刚", "涛", "波", "辉", "杰", "峰", "磊", "鹏", "超", "俊", "亮", "龙", "生", "福", "贵", "宝",
    "成", "忠", "德", "旺", "胜", "山", "保", "全", "红", "喜", "春", "民", "荣", "兵", "宇", "浩",
};

inline constexpr std::string_view kFemaleGivenChars[] = {
    "丽", "芳", "霞", "英", "梅", "玲", "兰", "秀", "娟", "燕", "萍", "红", "艳", "敏", "静", "丹",
    "琴", "凤", "云", "花", "珍", "莲", "翠", "月", "娥", "慧", "婷", "雪", "倩", "颖", "佳", "欣",
    "春", "桂", "爱", "瑞", "晶", "莉", "洁", "琳", "悦", "蓉", "香", "菊", "巧", "美", "彩", "荣",
};

// Village names: one character from each table, then 村 (东沟村, 杨家庄 style).
inline constexpr std::string_view kVillageFirstChars[] = {
    "东", "西", "南", "北", "上", "下", "大", "小", "前", "后", "中", "新", "石", "杨",
    "李", "王", "张", "马", "黄", "柏", "桃", "杏", "柳", "槐", "沙", "土", "高", "河",
    "泉", "龙", "凤", "白", "红", "青", "安", "福", "双", "三", "五", "羊", "牛", "鹿",
};
inline constexpr std::string_view kVillageSecondChars[] = {
    "沟", "庄", "坡", "峪", "河", "岭", "头", "窑", "洼", "湾", "坪", "堡",
    "寨", "营", "屯", "店", "川", "原", "园", "泉", "家", "庙", "山", "口",
    "底", "角", "塔", "桥", "岗", "垴", "掌", "阳", "池", "井", "峧", "院",
};

// Township names; the demo appends 镇 or 乡.
inline constexpr std::string_view kTownshipNames[] = {
    "龙泉", "石坪", "柏林", "桃源", "青山", "白云", "金峰", "红岩", "黄土", "水磨", "集店", "晋庄",
    "鹅屋", "树掌", "百尺", "店上", "五龙", "东井", "常平", "黄山", "双井", "南坡", "北岭", "西沟",
    "大峪", "凤凰", "丰乐", "太平", "新安", "永兴", "长宁", "清河", "梨园", "杏林", "桑梓", "秋水",
};

// County names (other than the demo county itself): one character from each.
inline constexpr std::string_view kCountyFirstChars[] = {
    "东", "西", "南", "北", "青", "石", "安", "平", "永", "长",
    "宁", "和", "清", "泰", "兴", "华", "福", "康", "丰", "云",
};
inline constexpr std::string_view kCountySecondChars[] = {
    "岚", "川", "溪", "阳", "源", "城", "原", "泉", "河", "峰",
    "岭", "谷", "林", "台", "塘", "乐", "定", "屏", "远", "陵",
};
// The single-county preset's name.
inline constexpr std::string_view kDemoCountyName = "连心县";

// County party and government bodies (党政单位). A leading 县 is replaced by
// the county's name (连心县委办公室); 团县委 becomes 团连心县委.
inline constexpr std::string_view kUnitNames[] = {
    "县委办公室",
    "县人大常委会办公室",
    "县政府办公室",
    "县政协办公室",
    "县纪委监委",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县发展和改革局",
    "县教育局",
    "县科技局",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化和旅游局",
    "县卫生健康委员会",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县乡村振兴局",
    "县林业局",
    "县供销社",
    "县信访局",
    "县总工会",
    "团县委",
    "县妇联",
    "县科协",
    "县残联",
    "县人民法院",
    "县人民检察院",
    "县融媒体中心",
    "县税务局",
    "县烟草局",
    "县供电公司",
    "县农商银行",
    "县邮政分公司",
    "县委机构编制委员会办公室",
    "县委巡察办",
    "县委党校",
    "县委老干部局",
    "县档案馆",
    "县机关事务服务中心",
    "县行政审批服务管理局",
    "县能源局",
    "县城市管理局",
    "县畜牧兽医服务中心",
    "县农业技术推广中心",
    "县气象局",
    "县人民武装部",
    "县消防救援大队",
    "县就业服务中心",
    "县社会保险中心",
    "县住房公积金管理中心",
    "县不动产登记中心",
    "县公路段",
    "县粮食和物资储备中心",
    "县图书馆",
    "县文化馆",
    "县工商联",
    "县文联",
    "县红十字会",
    "县人民医院",
    "县中医医院",
    "县妇幼保健院",
    "县疾病预防控制中心",
    "县经济技术开发区管委会",
    "县城市建设投资有限公司",
    "县职业技术学校",
    "县移动分公司",
    "县联通分公司",
    "县电信分公司",
    "县农业银行支行",
    "县建设银行支行",
    "县新华书店",
};
// Numbered schools (县第一中学, 县第一小学, …) fill the list up to the unit count.
inline constexpr std::string_view kNumerals[] = {"一", "二", "三",   "四",   "五",   "六",   "七",  "八",
                                                 "九", "十", "十一", "十二", "十三", "十四", "十五"};
inline constexpr std::string_view kNumberedSchools[] = {"中学", "小学"};

// Non-public enterprises: a trade name and an industry (鑫源建材有限公司党支部).
inline constexpr std::string_view kCompanyBrands[] = {
    "鑫源", "宏达", "泰丰", "兴隆", "盛华", "恒通", "金利", "瑞祥", "永鑫", "华晟",
    "东升", "天润", "晋益", "太行", "富民", "众诚", "佳禾", "长青", "绿野", "顺达",
};
inline constexpr std::string_view kCompanyIndustries[] = {
    "建材",     "煤业", "农业科技", "食品",     "物流",   "建筑工程", "商贸",     "药业",
    "旅游开发", "养殖", "果蔬",     "机械制造", "新能源", "服装",     "电子商务",
};
inline constexpr std::string_view kCompanySuffix = "有限公司";

// Social organisations (社会组织): county-wide ones take the county's name,
// township ones the township's.
inline constexpr std::string_view kSocialOrgNames[] = {
    "个体劳动者协会", "私营企业协会", "果业协会",     "中药材种植协会",   "养殖协会",       "蔬菜协会",
    "电子商务协会",   "餐饮行业协会", "物流协会",     "建筑业协会",       "旅游协会",       "书法家协会",
    "摄影家协会",     "作家协会",     "老年体育协会", "志愿者协会",       "慈善协会",       "律师协会",
    "会计学会",       "教育学会",     "医学会",       "农村专业技术协会", "青年企业家协会", "女企业家协会",
    "温州商会",       "河南商会",     "浙江商会",     "福建商会",         "总商会",         "小商品商会",
    "家政服务协会",   "养蜂协会",     "花椒产业协会", "汽车运输协会",     "民宿协会",       "残疾人协会",
};

// Trades a cadre may list as 技能:X beside the dictionary skills.
inline constexpr std::string_view kTrades[] = {"电焊", "厨师", "木工", "电工", "驾驶",
                                               "缝纫", "理发", "维修", "瓦工", "面点"};

// Disability kinds and grades (残疾类别, 等级) as written on a 残疾人证.
inline constexpr std::string_view kDisabilityKinds[] = {"肢体", "视力", "听力", "言语", "智力", "精神"};
inline constexpr std::string_view kDisabilityGrades[] = {"一级", "二级", "三级", "四级"};

}  // namespace lianxin::demo
