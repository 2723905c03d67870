"""Name-part handling: what is removed, what is fused, what the tokens are."""

from __future__ import annotations

import pytest

from interdict.model import Schema
from interdict.text.names import acronym_name, alternatives, analyze_name, bracketed_acronyms, is_patronymic, sole_patronymic


def texts(name: str, schema: str | None = "Person") -> list[str]:
    return [token.text for token in analyze_name(name, schema).tokens]


@pytest.mark.parametrize("title", ["Sayyid", "Seyed", "Haji", "Hajji", "Ayatollah", "Hojatoleslam", "Sheikh", "Mullah", "Dr.", "Gen."])
def test_honorifics_are_removed_and_reported(title: str) -> None:
    analyzed = analyze_name(f"{title} Ali Khamenei", "Person")
    assert [t.text for t in analyzed.tokens] == ["ali", "khamenei"]
    assert (title.rstrip("."), "title") in analyzed.removed or (title, "title") in analyzed.removed


def test_honorifics_in_arabic_script() -> None:
    analyzed = analyze_name("سید علی خامنه‌ای", "Person")
    assert ("سید", "title") in analyzed.removed
    # سعید (Saeed) spells like سید once ayn is dropped: it must stay a name.
    assert texts("سعید مرتضوی")[0] == "sid"


def test_titles_are_kept_in_company_names() -> None:
    assert "general" in texts("General Trading Company", "Company")


@pytest.mark.parametrize(("name", "tokens"), [("AL-TIKRITI, Hamid", ["tikriti", "hamid"]), ("Usama bin Ladin", ["usama", "ladin"]), ("Abu Bakr", ["abubakr"])])
def test_particles(name: str, tokens: list[str]) -> None:
    assert texts(name) == tokens


@pytest.mark.parametrize("spelling", ["Abdul Rahman", "Abd al-Rahman", "Abdulrahman", "Abdurrahman", "Abdel Rahman"])
def test_abd_compounds_fuse(spelling: str) -> None:
    assert analyze_name(spelling, "Person").tokens[0].skel == "bdrhmn"


def test_arabic_article_and_compounds_in_arabic_script() -> None:
    assert texts("عبدالرحمن") == ["abdrhmn"]
    assert texts("البغدادی")[-1] == "bghdadi"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("BANCO NACIONAL DE CUBA, S.A.", ["banco", "nacional", "cuba"]),
        ("OOO Rosneft", ["rosneft"]),
        ("Volkswagen Bank G.m.b.H.", ["volkswagen", "bank"]),
        ("VTB Bank (Public Joiut-Stock Company)", ["vtb", "bank"]),
        ("TAERIO LIMlITED", ["taerio"]),
        ("CORRALES SAN IGNACIO S.P.R. DE R.L. DE C.V.", ["corrales", "san", "ignacio"]),
    ],
)
def test_legal_forms_are_removed_even_with_a_slip(name: str, kept: list[str]) -> None:
    assert texts(name, "Company") == kept


@pytest.mark.parametrize(
    ("name", "kept"),
    [  # the EU's aliases of Russian companies, each legal form translated into an official language
        ("Spółka akcyjna Almaz-Antey", ["almaz", "antey"]),
        ("Societatea publică pe acțiuni «Stavropol Radio Plant Signal»", ["stavropol", "radio", "plant", "signal"]),
        ("„Avangard” Részvénytársaság", ["avangard"]),
        ("Obukhov Gyártelep Nyrt.", ["obukhov", "gyartelep"]),
        ("Akciová spoločnosť United Instrument Manufacturing Corporation", ["united", "instrument", "manufacturing"]),
        ("Delniška družba Alrosa", ["alrosa"]),
        ("Συμμετοχική εταιρεία Almaz-Antey", ["almaz", "antey"]),
        ("Cuideachta Comhstoic Oscailte Alrosa", ["alrosa"]),
        ("sociedade pública por ações aberta Alrosa", ["alrosa"]),
        ("Société par actions ouverte Alrosa", ["alrosa"]),
        ("Spoločnosť Alrosa", ["alrosa"]),
    ],
)
def test_legal_forms_of_every_eu_language_are_removed(name: str, kept: list[str]) -> None:
    assert texts(name, "Company") == kept


def test_dotted_acronyms_are_one_word_in_company_names() -> None:
    assert texts("A.B.C. Company", "Company") == ["abc"]
    assert texts("N.N.", "Person") == ["n", "n"]


def test_numbers_in_organisation_names() -> None:
    assert texts("Brigade Forty-Four", "Organization") == ["brigade", "44"]
    assert texts("Brigade Forty 4", "Organization") == ["brigade", "44"]  # a tens word and a digit
    assert texts("Brigade Forty 14", "Organization") == ["brigade", "40", "14"]  # not a unit: two numbers
    assert texts("1st International Bank", "Company")[0] == "1"
    assert texts("Apollo Investment Fund VIII L.P.", "Company")[-1] == "8"


def test_ofac_last_first_order_is_recognised() -> None:
    analyzed = analyze_name("HANIYA, Ismail Abdul Salah", "Person")
    assert analyzed.inverted
    assert [t.text for t in analyzed.tokens] == ["haniya", "ismail", "abdsalah"]


def test_filiation_is_noted() -> None:
    assert analyze_name("Salman bin Muhammad", "Person").filiation
    assert not analyze_name("Salman Muhammad", "Person").filiation


def test_scripts_and_evasion_are_reported() -> None:
    analyzed = analyze_name("Kh4m3n3i", "Person")
    assert analyzed.evasion and analyzed.tokens[0].text == "khamenei"
    assert analyze_name("Сергей Лавров", "Person").scripts == {"cyrillic"}


def test_every_non_latin_script_becomes_latin_tokens() -> None:
    for name in ("محمدباقر قالیباف", "Сергей Лавров", "김정은", "ינון לוי", "Αλέξης Τσίπρας", "ប៉ុល ពត"):
        tokens = analyze_name(name, "Person").tokens
        assert tokens and all(token.text.isascii() and token.text for token in tokens), name


@pytest.mark.parametrize("schema", list(Schema))
def test_a_schema_and_its_plain_string_share_one_analysis(schema: Schema) -> None:
    """Callers still pass plain strings ("Person"): they must get the same rules and the same cache entry."""
    name = "Sayyid HAPPINESS I Trading Co., Ltd."
    assert analyze_name(name, schema.value) is analyze_name(name, schema)


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("MajoryLLP", ["majory"]),
        ("AL-TASAMEEM GROUPFZE", ["tasameem", "group"]),
        ("CJSCinteravtomatika", ["interavtomatika"]),
        ("HARACOMPANY", ["hara"]),
        ("MGI PTELTD", ["mgi"]),
        ("LIMITED LIABILITY COMPANYPIK KORPORATSIYA", ["pik", "korporatsiya"]),
        ("ALCARDINAL PETROLEUMCOMPANY LIMITED", ["alcardinal", "petroleum"]),
    ],
)
def test_a_legal_form_written_fused_to_a_word_is_split_off_and_removed(name: str, kept: list[str]) -> None:
    assert [token.text for token in analyze_name(name, Schema.ORGANIZATION).tokens] == kept


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Faisal Islamic Bank", ["faisal", "islamic", "bank"]),  # not Fai + SAL: short forms with a vowel never split
        ("Rostov Shipyard", ["rostov", "shipyard"]),  # not Ros + TOV
        ("JAMA'ATU AHLIS SUNNA LTDADAWATI WAL-JIHAD", ["jamaatu", "ahlis", "sunna", "ltdadawati", "wal", "jihad"]),  # inside: no form
        ("Unlimited Trading", ["unlimited", "trading"]),  # the rest would be two letters
    ],
)
def test_a_word_that_only_looks_fused_stays_whole(name: str, kept: list[str]) -> None:
    assert [token.text for token in analyze_name(name, Schema.ORGANIZATION).tokens] == kept


@pytest.mark.parametrize(
    ("full", "schema", "parts"),
    [
        ("Belteleradio Company / National State TV and Radio Company of the Republic of Belarus", Schema.COMPANY, ["Belteleradio Company", "National State TV and Radio Company of the Republic of Belarus"]),
        ("Harakat Ul-Mujahidin / HUM", Schema.ORGANIZATION, ["Harakat Ul-Mujahidin", "HUM"]),
        ("CHINA NATIONAL PRECISION MACHINERY IMPORT/EXPORT CORPORATION", Schema.COMPANY, []),  # no spaces: one name
        ("Direktion Verteidigungsindustrie von Myanmar/ Birma", Schema.ORGANIZATION, []),
        ("John / Johnny SMITH", Schema.PERSON, []),  # a person's: a lone given name would become a name
        (" / ", Schema.COMPANY, []),
        (
            "COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)",
            Schema.COMPANY,
            ["COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)", "GREAT LAKES BUSINESS COMPANY (GLBC)"],
        ),  # a semicolon separates names too
    ],
)
def test_a_field_of_several_names_is_read_as_each(full: str, schema: Schema, parts: list[str]) -> None:
    assert alternatives(full, schema) == parts


@pytest.mark.parametrize(
    ("name", "schema", "places"),
    [
        ("Deutsche Bank (Schweiz) AG", "Company", {"schweiz": "place:ch"}),  # the country's own name for itself
        ("SINO ENERGY SHIPPING (HONG KONG) LTD", "Company", {"hong": "place:hk", "kong": "place:hk"}),
        ("AL-HARAMAIN FOUNDATION (UNION OF THE COMOROS)", "Organization", {"union": "place:km", "comoros": "place:km"}),
        ("Deutsche Bank (Schweiz) AG", None, {"schweiz": "place:ch"}),  # unknown type, read as a company (legal form)
        ("Bank Melli Iran (UK) Ltd", "Company", {"uk": "place:gb"}),  # a country's code companies write (data/bracket_codes.txt)
        ("Acme Trading (USA) Inc", "Company", {"usa": "place:us"}),
        ("KGI International Company (Middle East) Ltd", "Company", {"middle": "place:middle-east", "east": "place:middle-east"}),  # data/regions.txt
        ("Sino Energy Shipping (Côte d’Ivoire) SARL", "Company", {"cote": "place:ci", "divoire": "place:ci"}),  # apostrophes dropped, as tokens drop them
        ("X Trading （Hong Kong） Ltd", "Company", {"hong": "place:hk", "kong": "place:hk"}),  # full-width brackets
    ],
)
def test_a_country_in_brackets_in_an_organisation_name_is_a_generic_place_word(name: str, schema: str | None, places: dict[str, str]) -> None:
    marked = {token.text: token.generic for token in analyze_name(name, schema).tokens if token.generic_kind == "place"}
    assert marked == places


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("IKS Joint Stock Company (Schweiz)", ["iks", "schweiz"]),
        ("KGI International Company (Middle East) Ltd", ["kgi", "international", "middle", "east"]),
        ("Huawei Device (Hong Kong) Co., Limited", ["huawei", "device", "hong", "kong"]),
    ],
)
def test_a_bracketed_place_does_not_keep_a_legal_form_from_being_stripped(name: str, kept: list[str]) -> None:
    assert texts(name, "Company") == kept


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("Banco Santander Chile S.A.", "Company"),  # no brackets: the country is a word of the name
        ("Iran Air (Iran)", "Company"),  # the bracket is the name's acronym, dropped; the name's own "Iran" stays
        ("Fullerton Trading (SA)", "Company"),  # two capitals a legal form spells (Saudi Arabia's code too)
        ("Acme Trading (GTI)", "Company"),  # three capitals that spell no code in data/bracket_codes.txt: an acronym
        ("HiSilicon Tech (Suzhou) Co., Ltd.", "Company"),  # a city: no table of every city, so a word of the name
        ("KANAAN, Maustaf Fawzi (Kenya)", "Person"),  # people have no local companies
        ("Switzerland (Switzerland)", "Company"),  # the place is the name: nothing else would carry it
        ("Alpha Solutions (IT) Ltd", "Company"),  # a code that is a common abbreviation (data/bracket_codes.txt)
        ("Chen Pao (Taiwan)", None),  # unknown type, not read as an organisation: a person's words stay as they are
    ],
)
def test_other_brackets_and_bare_countries_are_not_place_words(name: str, schema: str | None) -> None:
    assert not [token for token in analyze_name(name, schema).tokens if token.generic_kind == "place"]


def test_a_name_of_unknown_type_keeps_its_words_in_place() -> None:
    """Setting a bracketed place aside (for the legal form before it) is for organisations: "Pao" is a surname here."""
    assert texts("Chen Pao (Taiwan)", None) == ["chen", "pao", "taiwan"]


@pytest.mark.parametrize(
    ("full", "schema", "acronyms"),
    [
        ("AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)", Schema.ORGANIZATION, ["AQAP"]),
        ("JAMAAT-UL-AHRAR (JuA)", Schema.ORGANIZATION, ["JuA"]),
        ("COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)", Schema.COMPANY, ["GLBC", "CAGL"]),
        ("LASHKAR I JHANGVI (LJ)", Schema.ORGANIZATION, []),  # two letters spell the initials of too many names
        ("Iran Air (Iran)", Schema.COMPANY, []),  # a word, not an acronym: one capital
        ("IRAN AIR (IRAN)", Schema.COMPANY, []),  # a word of the name itself
        ("Joint Stock Company (JSC) NIIME", Schema.COMPANY, []),  # a legal form
        ("Deutsche Bank (Schweiz) AG", Schema.COMPANY, []),  # a place, no acronym of the words before it
        ("Abdul Rahman Yasin (ARY)", Schema.PERSON, []),  # people are named by their names
    ],
)
def test_an_acronym_a_name_gives_in_brackets_is_a_name_of_its_own(full: str, schema: Schema, acronyms: list[str]) -> None:
    assert bracketed_acronyms(full, schema) == acronyms


def test_an_acronym_name_is_read_as_letters() -> None:
    """Only the same letters agree with an acronym: it is no spoken word that a slip or a transliteration could reach."""
    tokens = acronym_name("AAS-T", Schema.ORGANIZATION).tokens
    assert [token.text for token in tokens] == ["aas", "t"]
    assert all(token.letters for token in tokens)


def test_an_acronym_in_brackets_with_its_legal_form_is_set_aside_whole() -> None:
    analyzed = analyze_name("ABZAR BORESH KAVEH CO. (BK CO.)", Schema.COMPANY)
    assert [token.text for token in analyzed.tokens] == ["abzar", "boresh", "kaveh"]
    assert ("BK", "acronym") in analyzed.removed


@pytest.mark.parametrize(
    ("name", "generic"),
    [
        ("Sepanir Oil & Gas Energy Eng. Co.", {"eng": "sector:engineering"}),  # Eng. with its dot: Engineering
        ("Imensazan Consulting Eng.", {"eng": "sector:engineering"}),
        ("Acme Gen. Trading LLC", {"gen": "form:general"}),
        ("Hup Eng Co", {}),  # without the dot Eng is a word of the name (a Chinese one here)
        ("Gen Holdings", {}),
    ],
)
def test_an_abbreviation_of_a_generic_word_is_generic_only_with_its_dot(name: str, generic: dict[str, str]) -> None:
    tokens = analyze_name(name, "Organization").tokens
    found = {token.text: token.generic for token in tokens if token.text in ("eng", "gen")}
    assert {text: cls for text, cls in found.items() if cls} == generic
    assert set(found) >= set(generic)


def test_a_persons_dotted_eng_is_not_read_as_a_generic_word() -> None:
    """Only organisations' names hold generic words: a person's "Eng." is a title or a word of the name."""
    assert not any(token.generic for token in analyze_name("Eng. Ali Reza Tavakoli", "Person").tokens)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Jong Hyok An", ["jong", "hyok", "an"]),  # a particle at the end introduces nothing: the Korean surname An
        ("Nguyen Van An", ["nguyen", "an"]),  # read as "Nguyen" alone before
        ("Nguyen Thi Van", ["nguyen", "thi", "van"]),
        ("An Myong Hun", ["an", "myong", "hun"]),  # an is the Arabic article only before an n: an-Nasr
        ("An Nasr Ahmed", ["nasr", "ahmed"]),
        ("Ayman az-Zawahiri", ["ayman", "zawahiri"]),
        ("Salah ad-Din Ali", ["salah", "din", "ali"]),
        ("Salman Mohammed bin", ["salman", "mohammed"]),  # a filiation connector at the end stays a particle
        ("Mohammed Al", ["mohammed"]),  # and so does an article nobody is named (a line cut short)
        ("Ahmad as-Sayed", ["ahmad", "sayed"]),  # with the article, Sayed is the family name (as with al-Sayed)
    ],
)
def test_a_particle_is_one_only_where_it_can_introduce_a_word(name: str, words: list[str]) -> None:
    assert texts(name) == words


@pytest.mark.parametrize("word", ["sumbatovitj", "wladimirowitsch", "michajlowna", "lvovich", "sumbatovich", "vladimirovich", "mykolayovych", "ryhoravich", "mikhailovna", "petrivna", "leanidauna", "mikalaeuna", "ilyinichna", "ilyich", "kuzmich", "oglu", "mammadoglu", "kyzy", "sergeyvich", "yurivich", "viktorvich", "grigorvich", "vladislavvich", "lvovych", "lvivna"])
def test_patronymics_are_read_by_their_endings(word: str) -> None:
    assert is_patronymic(word)


@pytest.mark.parametrize("word", ["heinrich", "ulrich", "friedrich", "petrovic", "ivanov", "ivanova", "gasparyan", "ich", "auna"])
def test_names_ending_otherwise_are_no_patronymic(word: str) -> None:
    assert not is_patronymic(word)


def test_a_name_has_a_known_patronymic_only_when_one_word_reads_as_one() -> None:
    armen = analyze_name("Armen Sumbatovich GASPARYAN", Schema.PERSON).tokens
    assert [sole_patronymic(armen, at) for at in range(len(armen))] == [False, True, False]
    roman = analyze_name("Roman Arkadyevich ABRAMOVICH", Schema.PERSON).tokens
    assert not any(sole_patronymic(roman, at) for at in range(len(roman)))
    # A word ending so at either end of the name is a surname (Abramovich, Karankevich), not a patronymic.
    juan = analyze_name("Juan Carlos ABRAMOVICH", Schema.PERSON).tokens
    assert not any(sole_patronymic(juan, at) for at in range(len(juan)))


def test_a_name_written_surname_first_has_its_patronymic_last() -> None:
    # OFAC and the UK write "SURNAME, Given Patronymic": the natural order's middle word stands last.
    armen = analyze_name("GASPARYAN, Armen Sumbatovich", Schema.PERSON)
    assert armen.surname_first
    assert [sole_patronymic(armen.tokens, at, armen.surname_first) for at in range(3)] == [False, False, True]
    # Read as written in the natural order, the last word is a surname that ends alike (Juan Carlos ABRAMOVICH).
    assert [sole_patronymic(armen.tokens, at) for at in range(3)] == [False, False, False]
    # The surname, first, is never the patronymic; and it still bars one when it reads as one too.
    juan = analyze_name("ABRAMOVICH, Juan Carlos", Schema.PERSON)
    assert not any(sole_patronymic(juan.tokens, at, juan.surname_first) for at in range(3))
    roman = analyze_name("ABRAMOVICH, Roman Arkadyevich", Schema.PERSON)
    assert not any(sole_patronymic(roman.tokens, at, roman.surname_first) for at in range(3))
    # Two words, surname and given name: no patronymic to stand between them.
    two = analyze_name("SUMBATOVICH, Armen", Schema.PERSON)
    assert not any(sole_patronymic(two.tokens, at, two.surname_first) for at in range(2))


@pytest.mark.parametrize(
    ("text", "surname_first"),
    [
        ("GASPARYAN, Armen Sumbatovich", True),
        ("IVANOV, Ivan Petrovich, Jr.", True),
        ("IVANOV, Dr. Ivan Petrovich", True),
        # a comma before a suffix or a title only, or before nothing, ends a name written in the natural order
        ("Ivan Petrovich IVANOV, Jr.", False),
        ("Ivan Petrovich IVANOV, PhD", False),
        ("Ivan Petrovich IVANOV, Sr.", False),
        ("Armen Sumbatovich GASPARYAN,", False),
        ("Oleg Sumbatovich LOGUNOV, Ph.D.", False),
        ("Oleg Sumbatovich LOGUNOV, Esq.", False),
        ("Олег Сумбатович ЛОГУНОВ, мл.", False),
        ("John SMITH, 3rd", False),
        (", Armen Sumbatovich GASPARYAN", False),
        ("Armen Sumbatovich GASPARYAN", False),
    ],
)
def test_a_comma_means_surname_first_only_between_name_words(text: str, surname_first: bool) -> None:
    assert analyze_name(text, Schema.PERSON).surname_first is surname_first


def test_a_suffix_closing_a_persons_name_is_set_aside() -> None:
    name = analyze_name("Nikolai KLEYN, Jr.", Schema.PERSON)
    assert [token.text for token in name.tokens] == ["nikolai", "kleyn"]
    assert [why for _, why in name.removed] == ["suffix"]
    assert texts("Сергей Иванович Иванов мл.", "Person") == texts("Сергей Иванович Иванов", "Person")
    # "II" is the Korean syllable Il as the lists type it (KIM SONG II), not a numeral to set aside.
    assert texts("CHOE SONG II", "Person") == ["choe", "song", "ii"]
    # Two words are left at least; a company's "Fund III" keeps its number; a suffix opening a name is no suffix.
    assert texts("John Jr", "Person") == ["john", "jr"]
    assert texts("Fund III", "Company") == ["fund", "3"]
    assert texts("Jr Smith Jones", "Person") == ["jr", "smith", "jones"]


def test_a_natural_order_name_keeps_its_patronymic_in_the_middle_after_a_suffix() -> None:
    name = analyze_name("Ivan Petrovich IVANOV, Jr.", Schema.PERSON)
    assert [token.text for token in name.tokens][:3] == ["ivan", "petrovich", "ivanov"]
    assert sole_patronymic(name.tokens, 1, name.surname_first)
    # The suffix is no word for a surname to stand before: ABRAMOVICH closes this name, it is no patronymic.
    roman = analyze_name("Roman ABRAMOVICH, Jr.", Schema.PERSON)
    assert not any(sole_patronymic(roman.tokens, at, roman.surname_first) for at in range(len(roman.tokens)))


def test_rt_is_a_name_not_a_legal_form() -> None:
    """RT (the broadcaster, Rostec's companies), not the Hungarian Rt.: "RT France" is not France."""
    assert texts("RT France", "Company") == ["rt", "france"]
