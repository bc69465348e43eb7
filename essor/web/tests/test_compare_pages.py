"""Comparison page: territories side by side, ranking, presets, cap, CSV; population bands."""

import csv
import io
import re

import pytest
from django.core.cache import cache

from essor.observatory import compare
from essor.observatory.read import get_portrait
from essor.observatory.territory import get_territory
from essor.observatory.tests.test_key_figures import current_import, territory  # noqa: F401
from essor.territories.models import Commune, Epci

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cached_headlines():
    cache.clear()  # SQLite reuses run ids from one test to the next


PAIR = "/comparer/?t=epci:244400404&t=commune:44109&t=commune:44143"


def order_of(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', body)


def test_territories_side_by_side_with_the_portrait_numbers(client, current_import):  # noqa: F811
    response = client.get(PAIR + "&indicateur=etablissements&ordre=desc")
    html = response.content.decode()
    assert response.status_code == 200
    assert order_of(html) == ["Nantes Métropole", "Nantes", "Rezé"]
    expected = get_portrait(get_territory("epci", "244400404"), "statistique").headline
    row = html.split("Nantes Métropole</a>")[1].split("</tr>")[0]
    assert f'<td class="num sorted">{expected.establishments}</td>' in row
    assert 'aria-sort="descending"' in html
    assert 'role="img"' in html  # the chart of the ranking
    # Ascending order, and the header link that reverses it.
    asc = client.get(PAIR + "&indicateur=etablissements&ordre=asc").content.decode()
    assert order_of(asc)[0] in ("Nantes", "Rezé") and order_of(asc)[-1] == "Nantes Métropole"
    assert "indicateur=etablissements&amp;ordre=desc" in asc


def test_perimeter_changes_the_comparison(client, current_import):  # noqa: F811
    url = "/comparer/?t=epci:244400404&indicateur=etablissements"
    statistique = client.get(url).content.decode()
    loi = client.get(url + "&perimetre=loi2014").content.decode()
    assert '<td class="num sorted">4</td>' in statistique
    assert '<td class="num sorted">5</td>' in loi


def test_per_10k_inhabitants_and_shares(client, current_import):  # noqa: F811
    html = client.get("/comparer/?t=commune:44109&indicateur=etablissements_10k").content.decode()
    assert '<td class="num sorted">20,0</td>' in html  # 2 per 1 000 inhabitants
    assert "2,2\u00a0%" in html  # 2 of 90 active establishments


def test_add_and_remove_keep_the_list_in_the_url(client, current_import):  # noqa: F811
    html = client.get("/comparer/?t=epci:244400404&q=rez").content.decode()
    assert "t=epci%3A244400404&amp;t=commune%3A44143" in html  # « Ajouter Rezé »
    assert "Ajouter Rezé" in html
    removed = client.get(PAIR).content.decode()
    remove_links = re.findall(r'href="([^"]+)">Retirer', removed)
    assert len(remove_links) == 3
    refs = ["epci%3A244400404", "commune%3A44109", "commune%3A44143"]
    assert all(sum(ref in link for ref in refs) == 2 for link in remove_links)


def test_metropoles_preset_redirects_to_the_explicit_list(client, current_import):  # noqa: F811
    Epci.objects.create(
        siren="200046977", name="Métropole de Lyon", search_name="m", nature="MET69"
    )
    Epci.objects.create(siren="200000001", name="CC", search_name="cc", nature="CC")
    response = client.get("/comparer/?preset=metropoles&perimetre=loi2014")
    assert response.status_code == 302
    location = response["Location"]
    assert "t=epci%3A200046977" in location and "t=epci%3A244400404" in location
    assert "200000001" not in location and "perimetre=loi2014" in location


def test_comparables_preset_uses_nature_and_population_band(client, current_import):  # noqa: F811
    Epci.objects.filter(siren="244400404").update(population=650_000)
    for siren, nature, population in [
        ("200000001", "METRO", 700_000),  # comparable
        ("200000002", "METRO", 1_200_000),  # other band
        ("200000003", "CA", 640_000),  # other nature
    ]:
        Epci.objects.create(
            siren=siren, name=siren, search_name=siren, nature=nature, population=population
        )
    response = client.get("/comparer/?comparables=epci:244400404")
    location = response["Location"]
    assert re.findall(r"t=epci%3A(\d+)", location) == ["244400404", "200000001"]


def test_cap_and_unknown_territories_are_explained(client, current_import, monkeypatch):  # noqa: F811
    monkeypatch.setattr(compare, "MAX_TERRITORIES", 2)
    html = client.get(PAIR + "&t=epci:999999999&t=nimporte").content.decode()
    assert len(order_of(html)) == 2
    assert "au plus 2 territoires" in html and "1 territoire en trop" in html
    assert "epci:999999999, nimporte" in html


def test_a_huge_list_is_cut_without_looking_every_territory_up(
    client,
    current_import,  # noqa: F811
    django_assert_max_num_queries,
):
    url = "/comparer/?" + "&".join(f"t=commune:{n:05d}" for n in range(1000))
    with django_assert_max_num_queries(120):
        html = client.get(url).content.decode()
    assert "Une comparaison compte au plus 40 territoires" in html


def test_csv_download_of_the_comparison(client, current_import):  # noqa: F811
    response = client.get(PAIR + "&indicateur=etablissements&perimetre=loi2014")
    csv_url = re.search(r'href="(/comparer/comparaison.csv[^"]+)"', response.content.decode())
    response = client.get(csv_url.group(1).replace("&amp;", "&"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == ["244400404", "44109", "44143"]
    assert rows[0]["etablissements"] == "5" and rows[0]["perimetre"] == "loi2014"
    assert rows[1]["part_etablissements"] == str(3 / 90)


def test_empty_comparison_invites_to_add_territories(client, territory):  # noqa: F811
    html = client.get("/comparer/").content.decode()
    assert "Aucun territoire dans la comparaison" in html
    assert "Les 22 métropoles" in html


@pytest.mark.parametrize(
    "population, band",
    [(None, None), (0, 1), (1_999, 1), (2_000, 2), (49_999, 3), (650_000, 7), (2_000_000, 8)],
)
def test_population_bands(population, band):
    assert compare.population_band(population) == band


def test_band_labels():
    assert compare.band_label(1) == "moins de 2\u202f000 habitants"
    assert compare.band_label(8) == "1\u202f000\u202f000 habitants et plus"


def test_headlines_are_cached_per_import_run(current_import, django_assert_max_num_queries):  # noqa: F811
    places = [get_territory("commune", c) for c in ("44143", "44109")]
    first = compare.get_headlines(places, "statistique")
    with django_assert_max_num_queries(1):  # the current run only
        again = compare.get_headlines(places, "statistique")
    assert [line.headline for line in again] == [line.headline for line in first]


def test_sort_puts_territories_without_value_last(current_import):  # noqa: F811
    Commune.objects.filter(code="44143").update(population=None)
    places = [get_territory("commune", c) for c in ("44143", "44109")]
    lines = compare.get_headlines(places, "statistique")
    indicator = compare.INDICATORS_BY_KEY["etablissements_10k"]
    for descending in (True, False):
        ordered = compare.sort_lines(lines, indicator, descending)
        assert [line.territory.code for line in ordered] == ["44109", "44143"]
