"""Plots: each draws on the Axes it is given, returns it, and labels what it shows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import re  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import framing  # noqa: E402
from framing import plots  # noqa: E402


@pytest.fixture(scope="module")
def tables(sample_corpus):
    arts = sample_corpus.articles
    hits = framing.find_terms(arts)
    return arts, hits, framing.compare(hits, arts)


def _labelled(ax) -> None:
    assert ax.get_title(), "no title"
    assert ax.get_xlabel(), "no x-axis label"
    assert ax.get_ylabel() or any(t.get_text() for t in ax.get_yticklabels()), "no y-axis label or tick labels"


def test_variant_share_draws_bars_with_intervals_on_the_given_axes(tables):
    _, _, table = tables
    fig, ax = plt.subplots()
    out = plots.variant_share(table, "kyiv", ax=ax)
    assert out is ax
    _labelled(ax)
    outlets = set(table.loc[(table["family"] == "kyiv") & (table["family_count"] > 0), "outlet"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(outlets)
    assert all("small sample" in label for label in labels)  # the demo corpus is small, and says so
    # the legend says what hollow means, since every dot here is hollow
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["Kyiv", "Kiev"]
    assert "hollow: small sample" in ax.get_legend().get_texts()[-1].get_text()
    # labels, not ids; hits explained as hits in articles
    assert ax.get_title().startswith("Kyiv / Kiev: share of each variant")
    assert all(re.search(r"\n\d+ hits? in \d+ articles?$", label) for label in labels), labels
    plt.close(fig)


def test_a_variant_keeps_its_colour_whatever_else_has_hits(tables):
    _, _, table = tables
    war = table[table["family"] == "war_name"]
    only_conflict = war[war["variant"].isin(["conflict", "war"])].assign(share=0.5, share_lo=0.2, share_hi=0.8, family_count=10)

    def colour_of(t, variant):
        fig, ax = plt.subplots()
        plots.variant_share(t, "war_name", ax=ax)
        legend = {h.get_label(): h.get_color() for h in ax.get_legend().legend_handles}
        plt.close(fig)
        return matplotlib.colors.to_hex(legend[variant])

    assert colour_of(only_conflict, "war") == colour_of(war, "war")
    assert plots.variant_colors("war_name")["conflict"] == plots.variant_colors("war_name", ["conflict"])["conflict"]


def test_a_lexicon_colour_key_wins():
    lex = framing.load_lexicon({"families": {"capital": {"variants": {
        "Kyiv": {"patterns": ["Kyiv"], "color": "#112233"}, "Kiev": {"patterns": ["Kiev"]}}}}})
    colors = plots.variant_colors("capital", lexicon=lex)
    assert matplotlib.colors.to_hex(colors["Kyiv"]) == "#112233"
    with pytest.raises(framing.LexiconError, match="capital.variants.Kiev.color"):
        framing.load_lexicon({"families": {"capital": {"variants": {"Kiev": {"patterns": ["Kiev"], "color": "red"}}}}})


def test_intervals_of_one_group_never_overlap(tables):
    _, _, table = tables
    fig, ax = plt.subplots()
    plots.variant_share(table, "war_name", ax=ax)
    rows = [seg[0][1] for coll in ax.collections if isinstance(coll, matplotlib.collections.LineCollection)
            for seg in coll.get_segments()]
    assert len(rows) == len(set(rows))  # one line per variant and group, each on its own height
    plt.close(fig)


def test_rate_heatmap_has_one_row_per_family_and_printed_values(tables):
    _, _, table = tables
    fig, ax = plt.subplots()
    assert plots.rate_heatmap(table, ax=ax) is ax
    assert len(ax.get_yticklabels()) == table["family"].nunique()
    assert len(ax.texts) == table["family"].nunique() * table["outlet"].nunique()
    assert "10,000 words" in ax.get_title()
    plt.close(fig)


def test_voice_breakdown_for_one_variant(tables):
    _, hits, _ = tables
    fig, ax = plt.subplots()
    assert plots.voice_breakdown(hits, "war_name", variant="special military operation", ax=ax) is ax
    assert "special military operation" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()][:3] == ["own", "quoted", "distanced"]
    assert "pale: small sample" in ax.get_legend().get_texts()[-1].get_text()
    plt.close(fig)


def test_time_points_sit_inside_their_period_and_many_outlets_become_panels(tables):
    arts, hits, _ = tables
    pref = framing.preference_over_time(hits, arts, "kyiv", freq="quarter")
    first = pref.sort_values("period_start").iloc[0]
    # the first quarter's articles begin on 24 February 2022: its point is drawn after that day
    assert first["period_start"] < first["period_mid"] and first["period_mid"] > pd.Timestamp("2022-02-24", tz="UTC")
    many = pd.concat([pref.assign(outlet=f"Outlet {k}") for k in range(plots.MAX_LINES + 2)], ignore_index=True)
    ax = plots.preference_over_time(many)
    panels = [a for a in ax.figure.axes if a.get_visible() and a.axison]
    assert len(panels) == plots.MAX_LINES + 2
    assert sorted(a.get_title() for a in panels) == sorted(f"Outlet {k}" for k in range(plots.MAX_LINES + 2))
    plt.close(ax.figure)


def test_preference_over_time_marks_events_in_range(tables):
    arts, hits, _ = tables
    pref = framing.preference_over_time(hits, arts, "kyiv", by=None, freq="month")
    events = framing.load_lexicon().events_for("kyiv")
    fig, ax = plt.subplots()
    assert plots.preference_over_time(pref, by=None, events=events, ax=ax) is ax
    labels = {t.get_text() for t in ax.texts}
    assert "full-scale invasion" in labels          # 2022-02-24 lies inside the sample's dates
    assert 'AP adopts "Kyiv"' not in labels          # 2019 does not
    assert ax.get_ylabel() == 'share of "Kyiv" in its family'
    plt.close(fig)


def test_empty_family_gives_a_titled_blank_plot(tables):
    _, _, table = tables
    fig, ax = plt.subplots()
    plots.variant_share(table, "no_such_family", ax=ax)
    assert ax.get_title() == "no_such_family: no hits"
    plt.close(fig)


@pytest.fixture(scope="module")
def voices(sample_corpus):
    arts = sample_corpus.articles
    return arts, framing.find_quotes(arts)


def test_keyness_bars_show_both_sides(sample_corpus):
    arts = sample_corpus.articles
    table = framing.keyness(arts, target="Vostok Courier", min_count=2)
    fig, ax = plt.subplots()
    assert plots.keyness_bars(table, n=5, target="Vostok Courier", reference="the others", ax=ax) is ax
    widths = [p.get_width() for p in ax.patches]
    assert any(w > 0 for w in widths) and any(w < 0 for w in widths)
    assert ax.get_title() == "Distinctive terms: Vostok Courier vs the others"
    assert "used more by Vostok Courier" in ax.get_xlabel() and "used more by the others" in ax.get_xlabel()
    plt.close(fig)


def test_speaker_share_and_verb_profile(voices):
    _, quotes = voices
    fig, (a1, a2) = plt.subplots(1, 2)
    assert plots.speaker_share(framing.speaker_share(quotes), ax=a1) is a1
    assert a1.get_legend().get_title().get_text() == "speaker group"
    assert plots.verb_profile(framing.attribution_verbs(quotes), ax=a2) is a2
    assert a2.get_xlabel().startswith("attribution verb")
    plt.close(fig)


def test_similarity_heatmap_draws_every_outlet_pair(sample_corpus):
    sim = framing.outlet_similarity(sample_corpus.articles, min_df=1)
    fig, ax = plt.subplots()
    assert plots.similarity_heatmap(sim, ax=ax) is ax
    assert sorted(t.get_text() for t in ax.get_xticklabels()) == sorted(sim.index)
    assert len(ax.texts) == len(sim) ** 2
    plt.close(fig)


def test_similarity_heatmap_puts_alike_outlets_side_by_side():
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    values = np.full((5, 5), 0.1)
    for a, b, v in [("Alpha", "Charlie", 0.9), ("Bravo", "Echo", 0.85), ("Bravo", "Delta", 0.8), ("Delta", "Echo", 0.8)]:
        values[names.index(a), names.index(b)] = values[names.index(b), names.index(a)] = v
    np.fill_diagonal(values, 1.0)
    sim = pd.DataFrame(values, index=names, columns=names)
    fig, ax = plt.subplots()
    plots.similarity_heatmap(sim, ax=ax)
    order = [t.get_text() for t in ax.get_xticklabels()]
    assert order == [t.get_text() for t in ax.get_yticklabels()]
    assert abs(order.index("Alpha") - order.index("Charlie")) == 1  # the alike pair sits together
    assert {order.index(n) for n in ("Bravo", "Delta", "Echo")} in ({0, 1, 2}, {2, 3, 4})  # and the alike trio
    for text in ax.texts:  # each printed value is the similarity of its row and column outlets
        col, row = (int(round(x)) for x in text.get_position())
        assert float(text.get_text()) == pytest.approx(sim.loc[order[row], order[col]], abs=0.005)
    plt.close(fig)
