"""The fixed words of the domain: roles, lines, goals, routes, fits (docs/policy.md)."""

ROLES = ("agent", "broker", "claims", "underwriter", "customer_service")
LINES = ("personal", "commercial", "both")
GOALS = ("master_personal_lines", "advance_to_leadership", "quick_credential", "undecided")
ROUTES = ("API", "CPCU", "API_THEN_CPCU")
FITS = ("recommended", "suitable", "not_suitable")

YEARS_RANGE = (0, 60)
HOURS_RANGE = (1, 40)
DEFAULT_GOAL = "undecided"
DEFAULT_HOURS_PER_WEEK = 4

ROUTE_NAMES = {
    "API": "the Associate in Personal Insurance (API)",
    "CPCU": "the Chartered Property Casualty Underwriter (CPCU)",
    "API_THEN_CPCU": "the combined route: the API first, then the CPCU",
}
ROUTE_TITLES = {
    "API": "The Associate in Personal Insurance (API)",
    "CPCU": "The Chartered Property Casualty Underwriter (CPCU)",
    "API_THEN_CPCU": "The API first, then the CPCU",
}
