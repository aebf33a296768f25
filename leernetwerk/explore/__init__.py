"""``leernetwerk verken``: run a proposal under many weight variants and compare them.

An analyst varies settings (``--vary weights.clubs.region=-2,0,2``), and every
variant is computed exactly as ``leernetwerk run`` would with those settings in
``cycle.toml``. One module per step:

1. :mod:`.variants` - the ``--vary`` specifications checked and turned into variants;
2. :mod:`.fingerprint` - what a result depends on: the cache key of a variant and
   the fingerprint of the settings the selection reads (to reuse a selection);
3. :mod:`.cache` - computed variants on disk, safe under concurrent use;
4. :mod:`.runner` - the variants computed in parallel processes, in a fixed order;
5. :mod:`.thresholds` - ``--drempels``: where along one weight the layout changes;
6. :mod:`.analysis` - the variants compared with pandas: criteria, moves, stability;
7. :mod:`.workbook`, :mod:`.html` - ``verkenning.xlsx`` and ``verkenning.html``;
   :mod:`.outputs` writes the three files at once.
"""
