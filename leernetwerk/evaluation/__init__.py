"""The evaluation of a cycle: the evaluation workbook in, the figures out.

``leernetwerk evaluatie CYCLE --template`` writes ``evaluatie.xlsx`` for the
decided matching (:mod:`.workbook`); ``leernetwerk evaluatie CYCLE`` reads it
back with located Dutch problems (:mod:`.reader`), computes the figures of
docs/evaluatie.md (:mod:`.figures`, :mod:`.network`) and writes
``evaluatie.json``, ``overzicht.xlsx`` and ``evaluatie.html`` into a new
``evaluatie/<YYYY-MM-DD>/`` (:mod:`.run`).
"""
