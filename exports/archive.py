"""The portable archive: everything a trainee owns, in a ZIP another Waymark imports."""
