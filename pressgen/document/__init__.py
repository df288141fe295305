"""The document stage: one language of a release resolved into a DocumentView.

markup parses the body Markdown once into a small block/inline tree, typography and hyphenation
set it for the language, and localize decides every label, date and phone number of a document.
"""
