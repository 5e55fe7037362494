"""Countries by ISO 3166 code and by the names people type; one table for every layer."""

from __future__ import annotations

NAMES: dict[str, str] = {
    "AR": "Argentina", "AT": "Austria", "AU": "Australia", "BE": "Belgium", "BR": "Brazil",
    "CA": "Canada", "CH": "Switzerland", "CL": "Chile", "CN": "China", "CO": "Colombia",
    "CZ": "the Czech Republic", "DE": "Germany", "DK": "Denmark", "EG": "Egypt", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "the UK", "GR": "Greece", "HK": "Hong Kong",
    "HU": "Hungary", "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India",
    "IT": "Italy", "JP": "Japan", "KE": "Kenya", "KR": "South Korea", "KZ": "Kazakhstan",
    "MX": "Mexico", "MY": "Malaysia", "NG": "Nigeria", "NL": "the Netherlands", "NO": "Norway",
    "NZ": "New Zealand", "PH": "the Philippines", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore", "TH": "Thailand",
    "TR": "Türkiye", "TW": "Taiwan", "UA": "Ukraine", "AE": "the UAE", "US": "the US",
    "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip
"""A code's name as it reads in a sentence ("partners in the UK")."""

_ALIASES: dict[str, str] = {
    "deutschland": "DE", "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "united kingdom": "GB", "usa": "US",
    "u.s.": "US", "us": "US", "america": "US", "united states": "US",
    "united states of america": "US", "korea": "KR", "south korea": "KR", "holland": "NL",
    "netherlands": "NL", "czechia": "CZ", "czech republic": "CZ", "turkey": "TR",
    "uae": "AE", "emirates": "AE", "united arab emirates": "AE", "philippines": "PH",
    "polska": "PL", "españa": "ES", "espana": "ES", "italia": "IT", "brasil": "BR",
    "nippon": "JP", "schweiz": "CH", "suisse": "CH", "österreich": "AT", "sverige": "SE",
    "norge": "NO", "danmark": "DK", "suomi": "FI", "méxico": "MX",
}  # fmt: skip

_ADJECTIVES: dict[str, str] = {
    "german": "DE", "french": "FR", "polish": "PL", "british": "GB", "english": "GB",
    "american": "US", "canadian": "CA", "spanish": "ES", "italian": "IT", "dutch": "NL",
    "korean": "KR", "japanese": "JP", "swedish": "SE", "norwegian": "NO", "danish": "DK",
    "finnish": "FI", "irish": "IE", "austrian": "AT", "swiss": "CH", "belgian": "BE",
    "portuguese": "PT", "brazilian": "BR", "mexican": "MX", "indian": "IN",
    "australian": "AU", "kazakh": "KZ", "czech": "CZ", "greek": "GR", "turkish": "TR",
    "ukrainian": "UA", "romanian": "RO", "hungarian": "HU", "chinese": "CN",
}  # fmt: skip
"""Partners are described by nationality too ("German influencers")."""

BY_NAME: dict[str, str] = {
    **{name.casefold().removeprefix("the "): code for code, name in NAMES.items()},
    **_ALIASES,
    **_ADJECTIVES,
}
"""Lower-case country names and aliases -> code."""


def country_code(text: str) -> str | None:
    """The ISO code for a code or a country name as typed; None when it is neither."""
    cleaned = " ".join(text.strip().casefold().removeprefix("the ").split())
    if cleaned in BY_NAME:
        return BY_NAME[cleaned]
    if len(cleaned) == 2 and cleaned.isalpha():
        return cleaned.upper()
    return None


def country_name(code: str) -> str:
    """'FR' -> 'France', 'GB' -> 'the UK'; an unknown code stays as it is."""
    return NAMES.get(code.upper(), code.upper())
