"""Translation: segments and their states, fact parity, machine drafts, the memory, XLIFF, TMX,
the bilingual review DOCX, the write-back of returned work, label catalogs and status.
"""
