// The kinds of visit the API takes (src/fieldwork/visits.cpp kKinds). The
// first five are direct contact; a phone call or a visit made by someone
// else is recorded but never counts as direct contact (「不能以打电话代替
// 直接联系…以秘书跑一趟代替自己」).
export const directKinds = ['home_visit', 'talk', 'reception', 'stay', 'shared_labour'] as const;
export const indirectKinds = ['phone', 'by_proxy'] as const;

// The appeal types a cadre files for a household during a visit
// (appeals.cpp): complaints and reports are about the cadre and are routed
// past it, so they are the household's to file (card page, hotline).
export const appealTypes = ['help', 'inquiry', 'suggestion'] as const;
