"""The 17 service modules of docs/domain.md §4 (the default set; editable data afterwards).

The data migration creates them without owners (departments are data too and may not exist
yet); `module_owners_link` sets each owner by its department code, as the demo seed does.
"""

# (number, code, Chinese name, English name, owner department code, limit in working days)
DEFAULT_MODULES = [
    (1, "party-building", "社区党建", "Community Party building", "organization", 5),
    (2, "sanitation", "环境卫生", "Environmental sanitation", "sanitation", 3),
    (3, "rectification", "综合整治", "Comprehensive rectification", "enforcement", 5),
    (4, "petitions", "信访维稳", "Petitions and stability", "petitions", 5),
    (5, "social-insurance", "社会保障", "Social insurance", "hrss", 5),
    (6, "employment", "劳动就业", "Employment", "hrss", 5),
    (7, "civil-affairs", "民政救助", "Civil affairs and relief", "civil-affairs", 5),
    (8, "health", "卫生计生", "Health and family planning", "health", 5),
    (9, "municipal", "市政设施", "Roads, lights, water, drains", "housing", 3),
    (10, "property", "物业管理", "Property management", "housing", 5),
    (11, "public-order", "社会治安", "Public order", "police", 3),
    (12, "mediation", "矛盾调解", "Dispute mediation", "justice", 5),
    (13, "safety", "安全生产", "Work and fire safety", "emergency", 3),
    (14, "market", "市场监管", "Market, food and drugs", "market", 5),
    (15, "education", "教育文体", "Education, culture, sports", "education", 5),
    (16, "elderly", "为老助残", "Elderly and disability services", "civil-affairs", 5),
    (17, "legal-aid", "法律服务", "Legal aid", "justice", 5),
]

# Modules whose appeals Open311's public GET requests does not list (see ServiceModule).
NOT_PUBLIC = {"petitions", "mediation", "civil-affairs", "public-order", "legal-aid", "elderly"}

# Working days per priority; None means "the module's own limit".
URGENT_DAYS = 0  # same working day
COMPLEX_DAYS = 13

# China's public holidays and make-up working days (调休) as the State Council announced them.
# Seeded by migration as editable calendar data; the admin corrects or extends them.
HOLIDAYS = {
    2025: {
        "off": [
            ("2025-01-01", "元旦"),
            *[(f"2025-01-{d}", "春节") for d in (28, 29, 30, 31)],
            *[(f"2025-02-0{d}", "春节") for d in (1, 2, 3, 4)],
            *[(f"2025-04-0{d}", "清明节") for d in (4, 5, 6)],
            *[(f"2025-05-0{d}", "劳动节") for d in (1, 2, 3, 4, 5)],
            ("2025-05-31", "端午节"),
            ("2025-06-01", "端午节"),
            ("2025-06-02", "端午节"),
            *[(f"2025-10-0{d}", "国庆节、中秋节") for d in range(1, 9)],
        ],
        "work": ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    },
    2026: {
        "off": [
            *[(f"2026-01-0{d}", "元旦") for d in (1, 2, 3)],
            *[(f"2026-02-{d}", "春节") for d in range(15, 24)],
            *[(f"2026-04-0{d}", "清明节") for d in (4, 5, 6)],
            *[(f"2026-05-0{d}", "劳动节") for d in (1, 2, 3, 4, 5)],
            *[(f"2026-06-{d}", "端午节") for d in (19, 20, 21)],
            *[(f"2026-09-{d}", "中秋节") for d in (25, 26, 27)],
            *[(f"2026-10-0{d}", "国庆节") for d in range(1, 8)],
        ],
        "work": ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
    },
}
