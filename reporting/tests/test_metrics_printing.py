"""printed_share (SPEC §5: whole per cent, one decimal under 1 %) against every cell of the
published Tabell 1–6 of the 2012 report (seeds/004), typed in by hand from the seed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.metrics import printed_share


@pytest.mark.parametrize(
    ("count", "total", "printed"),
    [
        (743, 2910, "26%"),  # 25.53 %
        (1, 200, "0,5%"),  # 0.5 % is under 1 %
        (1, 201, "0,5%"),  # 0.4975 % → 0,5 %
        (12, 3740, "0,3%"),
        (19, 2000, "1%"),  # 0.95 % rounds to 1,0 %, printed as a whole per cent
        (1, 3000, "0,0%"),  # 0.033 %: a person, though the share rounds to nothing
        (0, 1064, "0%"),
        (5, 5, "100%"),
        (0, 0, "–"),
        (199, 200, "100%"),  # 99.5 % rounds up: only the row total is exact
        (1, 8, "13%"),  # 12.5 %, a half, up
        (3, 8, "38%"),  # 37.5 %, up
    ],
)
def test_a_share_is_printed_like_the_published_tables(count, total, printed):
    assert printed_share(count, total) == printed


@pytest.mark.parametrize(("count", "total"), [(-1, 5), (6, 5), (0, -1)])
def test_impossible_shares_are_refused(count, total):
    with pytest.raises(ValueError):
        printed_share(count, total)


@given(total=st.integers(1, 10**6), data=st.data())
def test_the_printed_share_is_the_share_rounded_half_up(total, data):
    count = data.draw(st.integers(0, total))
    printed = printed_share(count, total)
    assert printed.endswith("%")
    number = float(printed[:-1].replace(",", "."))
    # never more than half a unit (0.05 under 1 %, else 0.5) from the exact share
    unit = 0.1 if "," in printed else 1
    assert abs(number - 100 * count / total) <= unit / 2 + 1e-9


# --- the published tables -------------------------------------------------------------------------
# Each row: its label, then (count, printed share) per column, exactly as in the seed. Shares are
# of the row's total (the last column) in Tabell 2, 3 and 5; of the whole population in Tabell 1;
# of the row total of the matching row of Tabell 3 (Tabell 4) or 5 (Tabell 6), "the whole row".

TABELL_1_TOTAL = 3625
TABELL_1 = [
    ("Totalt", 3625, "100%"),
    ("Kvinnor", 2306, "64%"),
    ("Män", 1319, "36%"),
    ("18-24", 105, "3%"),
    ("25-34", 512, "14%"),
    ("35-44", 1046, "29%"),
    ("45-54", 1163, "32%"),
    ("55-64", 790, "22%"),
    (">64", 9, "0%"),
    ("under 90 dgr", 230, "6%"),
    ("90-180 dgr", 693, "19%"),
    ("180 dgr- 1 år", 920, "25%"),
    ("över 1 år", 1782, "49%"),
]

# Columns: Anställd sjukskriven/se, Arbetslös med sjukersättning, Sjukskriven arbetslös,
# Ung arb.lös med aktivitetsersättning, Summa.
TABELL_2 = [
    ("Totalt", [(743, "26%"), (213, "7%"), (1648, "57%"), (306, "10%"), (2910, "100%")]),
    ("Kvinnor", [(506, "27%"), (123, "7%"), (1073, "58%"), (147, "8%"), (1849, "100%")]),
    ("Män", [(237, "22%"), (90, "8%"), (575, "54%"), (159, "15%"), (1061, "100%")]),
    ("18-24 år", [(20, "9%"), (3, "1%"), (75, "33%"), (132, "57%"), (230, "100%")]),
    ("25-34 år", [(106, "16%"), (71, "11%"), (318, "48%"), (173, "26%"), (668, "100%")]),
    ("35-44 år", [(236, "29%"), (64, "8%"), (502, "63%"), (0, "0%"), (802, "100%")]),
    ("45-54 år", [(225, "29%"), (57, "7%"), (492, "64%"), (0, "0%"), (774, "100%")]),
    ("55-64 år", [(156, "36%"), (18, "4%"), (261, "60%"), (1, "0,2%"), (436, "100%")]),
    ("Inrikes födda", [(630, "26%"), (180, "7%"), (1338, "55%"), (281, "12%"), (2429, "100%")]),
    ("Utrikes födda", [(113, "23%"), (33, "7%"), (310, "64%"), (25, "5%"), (481, "100%")]),
    ("Funktionsneds. Ja", [(462, "25%"), (124, "7%"), (1052, "56%"), (233, "12%"), (1871, "100%")]),
    ("Funktionsneds. Nej", [(281, "27%"), (89, "9%"), (596, "57%"), (73, "7%"), (1039, "100%")]),
    ("Förgymnasial utb.", [(142, "21%"), (53, "8%"), (373, "55%"), (116, "17%"), (684, "100%")]),
    ("Gymnasial utb.", [(353, "24%"), (109, "7%"), (840, "57%"), (172, "12%"), (1474, "100%")]),
    ("Eftergymnasial utb.", [(248, "33%"), (51, "7%"), (435, "58%"), (18, "2%"), (752, "100%")]),
]

# Columns: Till arbete och utbildning, Arbetsmarknadspolitiska program, Öppet arbetslösa,
# Övriga, Summa.
TABELL_3 = [
    ("Totalt", [(968, "26%"), (1192, "32%"), (330, "9%"), (1250, "33%"), (3740, "100%")]),
    ("Kvinnor", [(579, "25%"), (758, "33%"), (199, "9%"), (775, "34%"), (2311, "100%")]),
    ("Män", [(389, "27%"), (434, "30%"), (131, "9%"), (475, "33%"), (1429, "100%")]),
    ("18-24 år", [(85, "31%"), (68, "25%"), (37, "13%"), (86, "31%"), (276, "100%")]),
    ("25-34 år", [(256, "29%"), (277, "31%"), (66, "7%"), (290, "33%"), (889, "100%")]),
    ("35-44 år", [(272, "28%"), (326, "33%"), (76, "8%"), (305, "31%"), (979, "100%")]),
    ("45-54 år", [(254, "24%"), (358, "34%"), (111, "10%"), (341, "32%"), (1064, "100%")]),
    ("55-64 år", [(101, "19%"), (163, "31%"), (40, "8%"), (228, "43%"), (532, "100%")]),
    ("Inrikes födda", [(828, "27%"), (1000, "32%"), (277, "9%"), (976, "32%"), (3081, "100%")]),
    ("Utrikes födda", [(140, "21%"), (192, "29%"), (53, "8%"), (274, "42%"), (659, "100%")]),
    ("Funktionsneds. Ja", [(674, "28%"), (738, "30%"), (206, "8%"), (809, "33%"), (2427, "100%")]),
    ("Funktionsneds. Nej", [(294, "22%"), (454, "35%"), (124, "9%"), (441, "34%"), (1313, "100%")]),
    ("Förgymnasial utb.", [(247, "25%"), (292, "29%"), (83, "8%"), (379, "38%"), (1001, "100%")]),
    ("Gymnasial utb.", [(488, "26%"), (617, "33%"), (156, "8%"), (595, "32%"), (1856, "100%")]),
    ("Eftergymnasial utb.", [(233, "26%"), (283, "32%"), (91, "10%"), (276, "31%"), (883, "100%")]),
]

# Columns: Arbete utan stöd, Arbete med stöd, Utbildning, Starta eget, Summa (= Till arbete och
# utbildning); shares of the row's whole population, Tabell 3's Summa.
TABELL_4 = [
    ("Totalt", [(255, "7%"), (581, "16%"), (120, "3%"), (12, "0,3%"), (968, "26%")]),
    ("Kvinnor", [(162, "7%"), (327, "14%"), (81, "4%"), (9, "0,4%"), (579, "25%")]),
    ("Män", [(93, "7%"), (254, "18%"), (39, "3%"), (3, "0,2%"), (389, "27%")]),
    ("18-24 år", [(16, "6%"), (45, "16%"), (23, "8%"), (1, "0,4%"), (85, "31%")]),
    ("25-34 år", [(54, "6%"), (146, "16%"), (54, "6%"), (2, "0,2%"), (256, "29%")]),
    ("35-44 år", [(76, "8%"), (166, "17%"), (24, "2%"), (6, "0,6%"), (272, "28%")]),
    ("45-54 år", [(80, "8%"), (159, "15%"), (15, "1%"), (0, "0,0%"), (254, "24%")]),
    ("55-64 år", [(29, "5%"), (65, "12%"), (4, "0,8%"), (3, "0,6%"), (101, "19%")]),
    ("Inrikes födda", [(210, "7%"), (507, "16%"), (101, "3%"), (10, "0,3%"), (828, "27%")]),
    ("Utrikes födda", [(45, "7%"), (74, "11%"), (19, "3%"), (2, "0,3%"), (140, "21%")]),
    ("Funktionsneds. Ja", [(155, "6%"), (429, "18%"), (80, "3%"), (10, "0,4%"), (674, "28%")]),
    ("Funktionsneds. Nej", [(100, "8%"), (152, "12%"), (40, "3%"), (2, "0,2%"), (294, "22%")]),
    ("Förgymnasial utb.", [(48, "5%"), (156, "16%"), (41, "4%"), (2, "0,2%"), (247, "25%")]),
    ("Gymnasial utb.", [(131, "7%"), (298, "16%"), (54, "3%"), (5, "0,3%"), (488, "26%")]),
    ("Eftergymnasial utb.", [(76, "9%"), (127, "14%"), (25, "3%"), (5, "0,6%"), (233, "26%")]),
]

# Columns as Tabell 3 (footnote 3: one person categorised as PILA is left out, hence 3739).
TABELL_5 = [
    ("Totalt", [(968, "26%"), (1192, "32%"), (329, "9%"), (1250, "33%"), (3739, "100%")]),
    (
        "Anställd sjukskriven/se",
        [(228, "30%"), (230, "30%"), (60, "8%"), (248, "32%"), (766, "100%")],
    ),
    (
        "Arbetslös med sjukersättning",
        [(137, "21%"), (270, "41%"), (31, "5%"), (225, "34%"), (663, "100%")],
    ),
    (
        "Sjukskriven arbetslös",
        [(471, "25%"), (578, "31%"), (196, "11%"), (611, "33%"), (1856, "100%")],
    ),
    (
        "Ung arb.lös med aktivitetsersättning",
        [(132, "29%"), (114, "25%"), (42, "9%"), (166, "37%"), (454, "100%")],
    ),
]

# Columns as Tabell 4; shares of Tabell 5's Summa.
TABELL_6 = [
    ("Totalt", [(255, "7%"), (581, "16%"), (120, "3%"), (12, "0,3%"), (968, "26%")]),
    ("Anställd sjukskriven/se", [(96, "13%"), (103, "13%"), (24, "3%"), (5, "0,7%"), (228, "30%")]),
    (
        "Arbetslös med sjukersättning",
        [(21, "3%"), (102, "15%"), (13, "2%"), (1, "0,2%"), (137, "21%")],
    ),
    ("Sjukskriven arbetslös", [(120, "6%"), (302, "16%"), (44, "2%"), (5, "0,3%"), (471, "25%")]),
    (
        "Ung arb.lös med aktivitetsersättning",
        [(18, "4%"), (74, "16%"), (39, "9%"), (1, "0,2%"), (132, "29%")],
    ),
]

# The published cells SPEC §5's rule (and so printed_share) prints differently:
KNOWN_INCONSISTENCIES = {
    # 9 of 3625 is 0.25 %: under 1 % the rule prints one decimal, "0,2%"; Tabell 1 prints "0%".
    ("Tabell 1", ">64", 9, 3625): ("0%", "0,2%"),
    # 306 of 2910 is 10.52 %: half-up gives "11%"; Tabell 2 prints "10%" (so that the row adds
    # up to 100 %, or rounded down).
    ("Tabell 2", "Totalt", 306, 2910): ("10%", "11%"),
    # A zero count: the rule prints "0%" (as Tabell 2 does for 0 of 802 and 0 of 774); Tabell 4
    # prints "0,0%".
    ("Tabell 4", "45-54 år", 0, 1064): ("0,0%", "0%"),
}


def published_cells():
    """(table, row, count, total, printed) for every share printed in Tabell 1–6."""
    for label, count, printed in TABELL_1:
        yield "Tabell 1", label, count, TABELL_1_TOTAL, printed
    for name, table in (("Tabell 2", TABELL_2), ("Tabell 3", TABELL_3), ("Tabell 5", TABELL_5)):
        for label, cells in table:
            total = cells[-1][0]
            for count, printed in cells:
                yield name, label, count, total, printed
    for name, table, whole in (("Tabell 4", TABELL_4, TABELL_3), ("Tabell 6", TABELL_6, TABELL_5)):
        for (label, cells), (whole_label, whole_cells) in zip(table, whole, strict=True):
            assert label == whole_label
            for count, printed in cells:
                yield name, label, count, whole_cells[-1][0], printed


def test_the_typed_in_tables_add_up():
    # a typing error in the tables above would make the comparison below meaningless
    for table in (TABELL_2, TABELL_3, TABELL_4, TABELL_5, TABELL_6):
        for _, cells in table:
            assert sum(count for count, _ in cells[:-1]) == cells[-1][0]
    for table, whole in ((TABELL_4, TABELL_3), (TABELL_6, TABELL_5)):
        for (_, cells), (_, whole_cells) in zip(table, whole, strict=True):
            assert cells[-1][0] == whole_cells[0][0]  # Summa of the split = work or education
    assert sum(count for _, count, _ in TABELL_1[1:3]) == TABELL_1_TOTAL
    assert sum(count for _, count, _ in TABELL_1[3:9]) == TABELL_1_TOTAL
    assert sum(count for _, count, _ in TABELL_1[9:]) == TABELL_1_TOTAL
    assert len(list(published_cells())) == 13 + 15 * 5 * 2 + 5 * 5 + 15 * 5 + 5 * 5


def test_every_published_cell_is_reproduced_but_the_known_inconsistencies():
    differing = {}
    for table, label, count, total, printed in published_cells():
        ours = printed_share(count, total)
        if ours != printed:
            differing[(table, label, count, total)] = (printed, ours)
    assert differing == KNOWN_INCONSISTENCIES
