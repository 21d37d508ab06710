"""Made-up words for the synthetic demo town: names, place names, templates, weights.

Names are common given and family names combined at random; no real person is meant. Place
names are fictional. Narrative templates follow BRIEF section 7 (no victim-blaming words).
Weights and templates are keyed by the codes of :mod:`domain.vocabulary` (incident kinds,
place kinds, strengths, sectors); ``tests/test_vocabulary.py`` checks every key is one.
"""

from __future__ import annotations

AGENCIES = [
    ("POL", "Demo Constabulary", "police"),
    ("CSC", "Demo Council Children's Social Care", "social_care"),
    ("EDU", "Demo Council Education and Schools", "education"),
    ("HLT", "Demo NHS Trust (Emergency Department)", "health"),
    ("YJS", "Demo Youth Justice Service", "youth_justice"),
    ("VOL", "Demo Youth Project (voluntary sector)", "voluntary"),
    ("BTP", "British Transport Police (demo)", "police"),
    ("LIC", "Demo Council Licensing", "licensing"),
]

GIVEN_F = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Sophie", "Grace", "Freya",
           "Ella", "Evie", "Chloe", "Ruby", "Poppy", "Jessica", "Katie", "Leah", "Megan",
           "Aaliyah", "Zara", "Amira", "Maya", "Niamh", "Caitlin", "Holly", "Millie", "Keira",
           "Lacey", "Shannon"]
GIVEN_M = ["Jayden", "Oliver", "Harry", "Jack", "Noah", "Leo", "Charlie", "Alfie", "George",
           "Oscar", "Jacob", "Thomas", "Riley", "Kai", "Tyler", "Callum", "Connor", "Ryan",
           "Liam", "Mason", "Aiden", "Ethan", "Kieran", "Reece", "Bradley", "Adam", "Ibrahim",
           "Yusuf", "Tomasz", "Kacper"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
          "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
          "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Hughes", "Edwards", "Lewis",
          "Harris", "Martin", "Cooper", "Ward", "Morris", "Moore", "Baker", "Kowalski", "Nowak",
          "Begum", "Hussain", "Mensah", "Okafor", "Campbell", "Reid"]
GIVEN_VARIANTS = {"Jayden": "Jaydon", "Katie": "Katy", "Aiden": "Aidan", "Leah": "Lea",
                  "Megan": "Meghan", "Callum": "Calum", "Connor": "Conor", "Kieran": "Keiran",
                  "Millie": "Milly", "Sophie": "Sophia", "Zara": "Zarah", "Lacey": "Lacie",
                  "Tomasz": "Tomas", "Ibrahim": "Ebrahim", "Yusuf": "Yousef",
                  "Aaliyah": "Aliyah", "Caitlin": "Kaitlyn", "Reece": "Rees", "Isla": "Isla-Mae",
                  "Riley": "Rylee", "Kacper": "Casper", "Holly": "Hollie", "Mia": "Miah"}
FAMILY_VARIANTS = {"Smith": "Smyth", "Davies": "Davis", "Clarke": "Clark", "Thompson": "Thomson",
                   "Hussain": "Hussein", "Begum": "Begam", "Kowalski": "Kowalsky",
                   "Mensah": "Mensa", "Reid": "Reed", "Jones": "Jone", "Okafor": "Okafur",
                   "Harris": "Harriss", "Walker": "Walkerr", "Patel": "Pattel", "Khan": "Kahn"}
ETHNICITY = ["White British", "White Other", "Mixed", "Asian or Asian British",
             "Black or Black British", "Other"]
ETHNICITY_P = [0.84, 0.05, 0.04, 0.04, 0.02, 0.01]
STREETS = ["Market Street", "Mill Lane", "Station Road", "Canal Street", "Church Walk",
           "High Street", "Victoria Road", "Park Lane", "Brook Street", "Union Street",
           "Chapel Row", "Meadow Way", "Bridge Street", "Wharf Road", "Queens Parade",
           "Albion Street", "Foundry Lane", "Silk Road", "Hollow Lane", "Orchard Close"]
PLACE_NAMES = {
    "takeaway": ["Golden Fry", "Chicken Stop", "Pizza Corner", "Star Kebab", "Happy Wok",
                 "Lucky Chippy", "Crispy Bites", "Royal Grill"],
    "hotel": ["Station Lodge", "Riverside Hotel", "Parkway Inn", "Crossroads Motel",
              "Canal View Hotel", "Old Mill Hotel"],
    "park": ["Recreation Ground", "Memorial Park", "Playing Fields", "Skate Park",
             "Country Park car park"],
    "transport_hub": ["Bus Station", "Railway Station", "Bus Interchange", "Train Halt"],
    "shopping_centre": ["Shopping Centre", "Retail Park", "Arcade"],
    "licensed_premises": ["The Red Lion", "The Plough", "The Crown", "Vine Bar",
                          "The Railway Tavern", "Off-licence"],
    "address_of_concern": ["Flat", "House", "Bedsit", "Garage"],
    "school": ["Academy", "High School", "Community School", "Pupil Referral Unit"],
    "youth_club": ["Youth Club", "Boxing Club", "Youth Hub", "Football Club"],
    "other": ["Amusement Arcade", "Car Park", "Canal Towpath", "Leisure Centre", "Gym"],
}
PUBLIC_KIND_P = {
    "takeaway": 0.15, "hotel": 0.05, "park": 0.14, "transport_hub": 0.07,
    "shopping_centre": 0.04, "licensed_premises": 0.13, "address_of_concern": 0.10,
    "school": 0.12, "youth_club": 0.08, "other": 0.12,
}
GUARDIANSHIP = {
    "takeaway": "staff", "hotel": "reception staff, CCTV", "park": "community, dog walkers",
    "transport_hub": "CCTV, staff", "shopping_centre": "security staff, CCTV",
    "licensed_premises": "door staff", "address_of_concern": "none known",
    "school": "school staff", "youth_club": "youth workers", "other": "community",
}
PLACE_SOURCE = {
    "takeaway": "LIC", "hotel": "LIC", "park": "POL", "transport_hub": "BTP",
    "shopping_centre": "POL", "licensed_premises": "LIC", "address_of_concern": "POL",
    "school": "EDU", "youth_club": "VOL", "other": "POL",
}
HUB_KINDS = ["takeaway", "hotel", "park", "transport_hub"]
PLATFORMS = [("Snapchat", "group chat"), ("Instagram", "direct messages"),
             ("WhatsApp", "group chat"), ("TikTok", "live stream comments"),
             ("Discord", "gaming server"), ("Telegram", "channel")]
TRUSTED_TITLES = ["grandparent", "aunt", "uncle", "older sibling", "football coach",
                  "family friend", "neighbour", "faith leader"]
PROFESSIONAL_TITLES = [
    ("social worker", "CSC"), ("designated safeguarding lead", "EDU"), ("school nurse", "HLT"),
    ("youth worker", "VOL"), ("police community support officer", "POL"),
    ("youth justice worker", "YJS"), ("teacher", "EDU"), ("family support worker", "CSC"),
]
CHILD_WORDS = [
    "They bought us food and said we owed them.",
    "I didn't know where I was, it was a hotel room.",
    "He said he was my friend and he'd look after me.",
    "They told me not to tell anyone or my mum would get hurt.",
    "I was scared to go home.",
    "Someone picked us up from the bus station in a car.",
    "They gave me a phone and kept messaging me.",
    "I stayed at a flat, there were older men there.",
    "I just wanted to be with my friends.",
    "I don't want to talk about it.",
]
STRENGTHS = {
    "trusted_adult": "Has a trusted adult they talk to.",
    "school": "Attends school regularly and gets on with a named teacher.",
    "youth_worker": "Builds a good relationship with a youth worker.",
    "positive_activity": "Plays for a local sports team most weekends.",
    "family_support": "A family member is supportive and engaged with the plan.",
}

# Incidents: the kinds a child's own history has (stream B) with relative weights.
CHILD_ONLY_KINDS = {
    "missing_episode": 0.30, "domestic_abuse_at_home": 0.13, "parental_substance_misuse": 0.05,
    "self_harm": 0.10, "overdose": 0.03, "was_not_brought": 0.12, "exclusion": 0.07,
    "online_contact": 0.08, "physical_assault": 0.07, "intelligence_report": 0.05,
}
# Kinds that involve an adult of concern (stream A) with relative weights.
ADULT_INCIDENT_KINDS = {
    "intelligence_report": 0.30, "seen_in_car_with_unknown_adult": 0.16,
    "exchange_gifts_money": 0.14, "sexual_assault": 0.07, "physical_assault": 0.06,
    "online_contact": 0.12, "arrest": 0.05, "missing_episode": 0.10,
}
HARM_CONTEXT = {
    "domestic_abuse_at_home": "intra_familial", "parental_substance_misuse": "intra_familial",
    "was_not_brought": "intra_familial", "self_harm": "self", "overdose": "self",
    "exclusion": "unknown",
}
INCIDENT_AGENCY = {
    "missing_episode": "POL", "rhi_disclosure": "CSC", "sexual_assault": "POL",
    "physical_assault": "POL", "domestic_abuse_at_home": "POL",
    "parental_substance_misuse": "CSC", "self_harm": "HLT", "overdose": "HLT",
    "exchange_gifts_money": "EDU", "seen_in_car_with_unknown_adult": "POL", "arrest": "POL",
    "intelligence_report": "POL", "exclusion": "EDU", "was_not_brought": "HLT",
    "online_contact": "EDU",
}
INDICATORS = {
    "missing_episode": ("behavioural",), "rhi_disclosure": ("emotional", "behavioural"),
    "sexual_assault": ("physical", "emotional"), "physical_assault": ("physical",),
    "domestic_abuse_at_home": ("emotional",), "parental_substance_misuse": ("emotional",),
    "self_harm": ("physical", "emotional"), "overdose": ("physical", "behavioural"),
    "exchange_gifts_money": ("material",), "seen_in_car_with_unknown_adult": ("behavioural",),
    "arrest": (), "intelligence_report": ("behavioural",), "exclusion": ("behavioural",),
    "was_not_brought": ("physical",), "online_contact": ("emotional",),
}
NARRATIVE = {
    "missing_episode": "Reported missing; found by police at {place}.",
    "rhi_disclosure": "Return home interview after a missing episode; the child described "
                      "adults who may be grooming them.",
    "sexual_assault": "The child was sexually abused at {place}; strategy discussion held.",
    "physical_assault": "The child was assaulted at {place}.",
    "domestic_abuse_at_home": "Police attended a domestic abuse incident at the child's home; "
                              "the child was present.",
    "parental_substance_misuse": "Referral about a parent's substance misuse at home.",
    "self_harm": "Attended the emergency department after self-harm.",
    "overdose": "Attended the emergency department after an overdose; found at {place}.",
    "exchange_gifts_money": "Staff noticed new clothes, phone and money with no explanation; "
                            "an adult may be giving gifts to gain control.",
    "seen_in_car_with_unknown_adult": "The child was seen getting into a car with an unknown "
                                      "adult near {place}.",
    "arrest": "An adult of concern was arrested at {place}; a child was present.",
    "intelligence_report": "Intelligence that adults are contacting children at {place}.",
    "exclusion": "Fixed-term exclusion from school.",
    "was_not_brought": "The child was not brought to a health appointment.",
    "online_contact": "An adult has been contacting the child online ({place}).",
}
