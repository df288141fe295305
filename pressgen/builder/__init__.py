"""The build stage: which documents to make (plan), where they are rendered (executors), what is
already up to date (cache); documents are written atomically and listed in a manifest.
"""
