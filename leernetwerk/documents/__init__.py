"""Word documents of the execution phase, rendered from templates the executor edits.

- :mod:`~leernetwerk.documents.templates`: the default templates, built in code
  (python-docx), copied into a cycle's ``sjablonen/`` by ``leernetwerk init``;
- :mod:`~leernetwerk.documents.render`: docxtpl rendering, broken-template
  errors, dated output folders;
- :mod:`~leernetwerk.documents.cycle_data`: the decided proposal, registrations
  and session plan behind the decision gates;
- :mod:`~leernetwerk.documents.letters`: ``leernetwerk brieven``;
- :mod:`~leernetwerk.documents.sessions`: ``leernetwerk startbijeenkomst`` and
  ``leernetwerk draaiboek``;
- :mod:`~leernetwerk.documents.evaluation` (with
  :mod:`~leernetwerk.documents.evaluation_context`): ``leernetwerk tussenevaluatie``,
  ``reflectieoverzicht`` and ``cyclusrapport``, from the cycle's evaluatie.json.

See docs/documents.md.
"""
