from __future__ import annotations

from pathlib import Path

import pytest

from generator.mapping.load import load_mapping
from generator.roster.naming import plan_names, safe_component
from generator.roster.students import Student


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("O'Brien, Liam", "O'Brien, Liam"),
        ('A/B\\C:D*E?F"G<H>I|J', "A_B_C_D_E_F_G_H_I_J"),
        ("  trailing dots... ", "trailing dots"),
        ("CON", "_CON"),
        ("lpt1.docx", "_lpt1.docx"),
        ("../../etc", "_.._etc"),
        ("..", "_"),
        ("", "_"),
        ("tab\tand\nnewline", "tab and newline"),
        ("Zoe\u0308", "Zoë"),  # macOS hands out decomposed accents; store composed
        ("x" * 300, "x" * 120),
    ],
)
def test_safe_component(raw: str, safe: str):
    assert safe_component(raw) == safe


def make_mapping(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "key: id\nfields:\n  id: ID\n  first: First\n  last: Last\n"
        "output:\n  folder: '{{ last }}, {{ first }}'\n  filename: 'Plan - {{ first }} {{ last }}'\n"
    )
    return load_mapping(path)


def student(key: str, first: str, last: str) -> Student:
    return Student(
        key=key,
        display_name=f"{first} {last}",
        values={"id": key, "first": first, "last": last, "student_key": key},
        locations=[],
    )


def test_names_from_patterns_and_collisions_get_keys_whatever_the_order(tmp_path: Path):
    mapping = make_mapping(tmp_path)
    students = [student("7", "Sofia", "Martinez"), student("3", "Ana", "Ruiz"), student("12", "SOFIA", "martinez")]
    names = plan_names(mapping, students)
    assert str(names["3"].relpath) == "Ruiz, Ana/Plan - Ana Ruiz.docx"
    assert str(names["7"].relpath) == "Martinez, Sofia (7)/Plan - Sofia Martinez.docx"
    assert str(names["12"].relpath) == "martinez, SOFIA (12)/Plan - SOFIA martinez.docx"
    assert plan_names(mapping, list(reversed(students))) == names


def test_names_cannot_escape_the_output_folder(tmp_path: Path):
    names = plan_names(make_mapping(tmp_path), [student("1", "..", "../../..")])
    relpath = names["1"].relpath
    assert str(relpath) == "_.._..,/Plan - .. .._.._.docx"
    assert not relpath.is_absolute() and ".." not in relpath.parts


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("CONIN$", "_CONIN$"),
        ("conout$", "_conout$"),
        ("CON .v2", "_CON .v2"),
        ("com\u00b9", "_com\u00b9"),
        ("LPT\u00b3.txt", "_LPT\u00b3.txt"),
        ("AUX  .plan", "_AUX .plan"),
        ("nul", "_nul"),
        ("Connor", "Connor"),
        ("CONS", "CONS"),
        ("COM10", "COM10"),
        ("name. ", "name"),
    ],
)
def test_windows_reserved_names_by_the_full_rule(raw: str, safe: str):
    assert safe_component(raw) == safe


@pytest.mark.parametrize("letter", ["é", "中", "😀", "x"])
def test_long_names_are_cut_to_the_byte_budget_on_a_character_boundary(letter: str):
    cut = safe_component(letter * 300)
    assert len(cut.encode("utf-8")) <= 200 and set(cut) == {letter}
    assert len(cut) == min(120, 200 // len(letter.encode("utf-8")))


def test_collision_suffix_survives_the_byte_cut(tmp_path: Path):
    mapping = make_mapping(tmp_path)
    long_last = "中" * 100  # 300 bytes of name: the key suffix must still fit, or two children share a folder
    names = plan_names(mapping, [student("A1", "Ana", long_last), student("B2", "Ana", long_last)])
    folders = {names["A1"].folder, names["B2"].folder}
    assert len(folders) == 2
    assert all(len(f.encode("utf-8")) <= 200 for f in folders)
    assert names["A1"].folder.endswith(" (A1)") and names["B2"].folder.endswith(" (B2)")


def test_names_are_folded_only_where_file_names_cannot_hold_every_letter(monkeypatch):
    from generator.roster import naming

    assert naming.safe_component("Zoë Łukasz 李") == "Zoë Łukasz 李"  # a UTF-8 system keeps every letter
    monkeypatch.setattr(naming.sys, "getfilesystemencoding", lambda: "ascii")
    monkeypatch.setattr(naming.sys, "getfilesystemencodeerrors", lambda: "surrogateescape")
    assert naming.safe_component("Zoë Núñez") == "Zoe Nunez"
    assert naming.safe_component("Łukasz Ødegård, Straße") == "Lukasz Odegard, Strasse"
    assert naming.safe_component("李小龙") == "_"  # nothing left to read: the fallback
    assert naming.safe_component("李小龙", "1001") == "1001"
    monkeypatch.setattr(naming.sys, "getfilesystemencoding", lambda: "cp1252")
    assert naming.safe_component("Zoë Łukasz") == "Zoë Lukasz"  # what the encoding holds is kept


def test_a_student_folder_named_like_plangens_own_files_gets_the_key():
    from generator.roster.naming import OWN_NAMES, PlanName, _disambiguate

    names = {
        "1": PlanName("Manifest.CSV", "Plan"),
        "2": PlanName("caseload.xlsx", "Plan"),
        "3": PlanName("Ana", "Plan"),
    }
    result = _disambiguate(names)
    assert [result[k].folder for k in "123"] == ["Manifest.CSV (1)", "caseload.xlsx (2)", "Ana"]
    assert {"manifest.csv", "caseload.xlsx", "caseload.html", ".plangen"} == OWN_NAMES
