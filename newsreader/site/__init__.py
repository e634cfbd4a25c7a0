"""What the Jekyll site does with each file: Psych's YAML, Jekyll's reader and the site's config."""
