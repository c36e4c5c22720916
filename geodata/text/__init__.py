"""Text in two languages: the message catalogues (``i18n``, ``locales/``) and how numbers,
dates, units and the sources' words are written (``formats``, ``locales/terms.csv``).

May import: ``geodata.model``.
"""
