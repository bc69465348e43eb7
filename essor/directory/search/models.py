"""The directory's search index: one denormalised row per ESS establishment of the current Sirene
import (active or closed), plus one per validated actor without SIREN.

Rebuilt by `essor directory reindex` (essor.directory.search.indexer), updated one actor at a
time when an actor changes. Full text: an FTS5 table on SQLite, a generated `tsv` column with a
GIN index on PostgreSQL (created by migration 0002, outside the Django model)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Web Mercator grid of 2**GRID_ZOOM cells per side: the map cell of an entry at tile zoom z is
# (tx >> (GRID_ZOOM - z - 2), ty >> …), 4 × 4 cells of 64 px per 256 px tile.
GRID_ZOOM = 20


class SearchEntry(models.Model):
    run_id = models.IntegerField(null=True)  # the Sirene import, null for actors without SIREN
    siret = models.CharField(max_length=14, blank=True, db_index=True)
    siren = models.CharField(max_length=9, blank=True, db_index=True)
    actor_slug = models.CharField(max_length=80, blank=True, db_index=True)
    # Display.
    name = models.CharField(max_length=300)
    enseigne = models.CharField(max_length=300, blank=True)
    sigle = models.CharField(max_length=100, blank=True)
    commune_name = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    naf_label = models.CharField(max_length=300, blank=True)
    is_head_office = models.BooleanField(default=False)
    # Facets.
    family = models.CharField(max_length=12, blank=True)
    legal_category = models.CharField(max_length=4, blank=True)
    legal_category_2 = models.CharField(max_length=2, blank=True)
    naf = models.CharField(max_length=6, blank=True)
    naf_section = models.CharField(max_length=1, blank=True)
    naf_division = models.CharField(max_length=2, blank=True)
    sector = models.CharField(max_length=30, blank=True)
    themes = models.IntegerField(default=0)  # bit i = essor.ess.themes.Theme, in its order
    labels = models.IntegerField(default=0)  # bit i = essor.directory.enums.Label, in its order
    employer = models.BooleanField(null=True)
    size_band = models.CharField(max_length=2, blank=True)  # see facets.SIZE_BANDS
    commune_code = models.CharField(max_length=5, blank=True, db_index=True)
    epci_siren = models.CharField(max_length=9, blank=True, db_index=True)
    departement_code = models.CharField(max_length=3, blank=True, db_index=True)
    region_code = models.CharField(max_length=3, blank=True, db_index=True)
    in_qpv = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    # Position. lat/lon: the exact point, null under partial diffusion (never exposed then);
    # glat/glon: what maps and distance filters use (the exact point or the commune centroid).
    lat = models.FloatField(null=True)
    lon = models.FloatField(null=True)
    glat = models.FloatField(null=True)
    glon = models.FloatField(null=True)
    tx = models.IntegerField(null=True)
    ty = models.IntegerField(null=True)
    # Ranking and text.
    score = models.FloatField(default=0)
    completeness = models.PositiveSmallIntegerField(default=0)  # % of the profile filled
    name_norm = models.CharField(max_length=400, blank=True, db_index=True)
    text_norm = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tx", "ty"], name="search_entry_cell"),
            # Covers the map's viewport aggregation (bbox on glat/glon, cells from tx/ty).
            models.Index(fields=["glat", "glon", "tx", "ty"], name="search_entry_geo"),
            # First page of a search without text: the best scores first.
            models.Index(fields=["score"], name="search_entry_score"),
            # The page order (score DESC, id) read straight from an index: scores take few
            # distinct values, so an index on score alone still sorts a whole tie group.
            models.Index(fields=["-score", "id"], name="search_entry_rank"),
        ]

    def __str__(self) -> str:
        return self.name


class SearchToken(models.Model):
    """Vocabulary of the name tokens, for typo correction."""

    token = models.CharField(max_length=100, primary_key=True)
    first = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()
    frequency = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["first", "length"], name="search_token_bucket")]


class SearchIndexState(models.Model):
    """The last full build: which import it reflects, its size, and the facet counts of the
    unfiltered search (served as is, the most frequent page)."""

    run_id = models.IntegerField(null=True)
    built_at = models.DateTimeField(auto_now=True)
    entries = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    facets = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)  # bumped on every change of the index

    class Meta:
        verbose_name = _("état de l'index de l'annuaire")


class SearchMapCell(models.Model):
    """Precomputed map cells for the low zooms (≤ MAP_CELL_MAX_ZOOM): the entry counts and
    position sums per zoom × cell × the few facet columns the map can filter on cheaply, built
    by the indexer (full build) and adjusted entry by entry (actor change). `carte.json` answers
    from here when the search has no text, distance, territory or other facet filter."""

    zoom = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    family = models.CharField(max_length=12, blank=True)
    size_band = models.CharField(max_length=2, blank=True)
    is_open = models.BooleanField(default=True)
    region_code = models.CharField(max_length=3, blank=True)
    departement_code = models.CharField(max_length=3, blank=True)
    n = models.IntegerField(default=0)
    lat_sum = models.FloatField(default=0)
    lon_sum = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["zoom", "cx", "cy"], name="search_map_cell")]


class SearchEntryChange(models.Model):
    """Ids of the entries deleted or written since the last full build (indexer.reindex_actor,
    remove_actor), logged in the same transaction as the change. A serving process's columnar
    snapshot (search.engine) leaves these ids out and reads their current rows instead, so its
    answers stay exact whatever process changed the index. Emptied by the full build."""

    entry_id = models.BigIntegerField()
