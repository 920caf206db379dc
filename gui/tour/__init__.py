"""The chapter tour: the chapter's sections as live scenes in the workspaces (data in resources/tour/), with numbers
filled from the engine at the moment they are shown and the chapter's exercises checked."""
