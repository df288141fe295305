"""pressgen studio (``pressgen serve``): write, translate, review and build releases in the browser.

The YAML files stay the single source of truth: every page is made from the
files as they are now, and every save goes through the same safe write-back as
the command line (:mod:`pressgen.yamledit`), refused when the file changed on
disk since the page was opened. Parts:

- :mod:`.state` what the studio knows about the workspace: each release's check,
  cached until its files change; the file watcher that pushes changes to open
  pages (server-sent events); the renderer and its page images;
- :mod:`.edits` form values turned into write-backs, and ``check``'s findings
  placed at the field they belong to;
- :mod:`.app` the Starlette application: pages (Jinja2 templates in
  ``templates/``), the small script in ``static/``, and the guards (Host header,
  Origin and a per-session token on every state-changing request).
"""

from pressgen.studio.app import create_app, serve

__all__ = ["create_app", "serve"]
