"""The bounds on what a study's files may hold (read by the loader, and by the cache before it)."""

MAX_FILE_BYTES = 512 * 1024  # 512 KiB: five times a 200-question survey in three languages
MAX_NODES = 100_000  # keys, values and items in one file, aliases expanded
MAX_DEPTH = 32  # nested mappings and lists; a study file needs about 10
MAX_STUDY_FILES = 200  # YAML files in screens/ and surveys/ together
MAX_STUDY_BYTES = 4 * 1024 * 1024  # the files in screens/ and surveys/ together: four times a 2,000-question study
