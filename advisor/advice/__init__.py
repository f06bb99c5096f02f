"""The advisor proper: classify SKUs, decide them, price the policy, talk a brand through onboarding.

`classify` turns catalog records into the facts rules test, `evaluate` decides a whole catalog
(`parallel` on two cores), `costs` prices a policy, `profile` holds the brand's own facts,
`writers` writes decisions out, `recommend` is what the app shows, `returns` adapts the returns
rulebook for the tracker, and `onboarding` is the conversation that builds a profile.
"""
