"""bench/batch: audit a generated archive of mixed txt, pdf and docx documents."""
