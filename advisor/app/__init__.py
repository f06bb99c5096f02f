"""trackright's terminal app (Textual): onboarding chat, recommendation, tracker desk, rules.

The only package that imports textual. Screens draw the plain-Python core
(`advisor.advice.onboarding`, `advisor.advice.evaluate`, `tracker`); `workspace`, `recommend` and `desk` hold
the app's own logic without textual, so it is tested without a terminal::

    from advisor.app.app import TrackrightApp
    TrackrightApp(store=".trackright", rules=None).run()
"""
