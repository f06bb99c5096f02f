"""The advisor proper: classify SKUs, decide them, price the policy, talk a brand through onboarding.

`classify` turns catalog records into the facts rules test, `evaluate` decides a stream of them,
`run` is the one evaluation of a catalog file every caller uses (`parallel` on two cores),
`money` settles which currency prices are in and which price is a unit's value, `costs` prices
a policy, `profile` holds the brand's own facts,
`writers` writes decisions out, `recommend` is what the app shows, `returns` adapts the returns
rulebook for the tracker, and `onboarding` is the conversation that builds a profile.
"""
