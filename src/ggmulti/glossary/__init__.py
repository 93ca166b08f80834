"""The term glossary: approved forms of names and titles, pinned through translation and checked in review."""
