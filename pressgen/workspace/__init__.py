"""The workspace stage: a folder of YAML files read safely, with positions, into validated models.

yamlio (safe YAML with line:col) -> model (pydantic) -> load (every problem as a Diagnostic);
yamledit writes a user's YAML back, outputs decides where documents go, images and contactinfo
validate what the documents will show, labels reads the label catalogs.
"""
