"""A team's PostgreSQL server: connecting (``connection``), moving a project between a file
and the server (``transfer``) and noticing colleagues' edits (``sync``)."""
