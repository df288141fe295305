"""After the documents: the newsroom site (``publish``), mail to journalists (``mail``) and the agencies' feed.

Every output here asks the check layer's distribution gate (:mod:`pressgen.check.readiness`)
which languages of a release may go out: none with errors, stale or unreviewed segments,
or facts that differ from the source's, unless ``--allow-draft`` is given, and then the
output says so.
"""
