"""The newcomer guide, as data: headings and short paragraphs in plain words.

Written from the facts in the project's sources (shared/data/SOURCES.md). The
terminal (render.py) and the handout lay it out; neither adds to it.
"""

from __future__ import annotations

CONFIRM = "Meeting times change: call or check before you go."

GUIDE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "What a meeting is",
        (
            "A peer-support group is people with similar experience sharing their stories "
            "and challenges. What is said there stays there.",
            "Most meetings are open to newcomers. Expect a welcome; you will hear other "
            "people's stories.",
        ),
    ),
    (
        "Your first meeting",
        (
            "You never have to speak. Listening is fine; share when you are ready.",
            "Most groups are free. Some pass a basket for voluntary donations or ask a "
            "small amount for literature; giving is up to you.",
            "You can go to more than one group, and try different kinds until one fits.",
        ),
    ),
    (
        "12-step or SMART",
        (
            "12-step programs such as AA and NA follow a set of steps, with personal "
            "accountability and a spiritual element.",
            "SMART Recovery works on self-management and changing behaviour, and is not "
            "spiritual or religious.",
            "Groups also differ in focus: alcohol, drugs, or support for families.",
        ),
    ),
    (
        "Why go",
        (
            "Meetings connect you with people nearby, ease stigma, point you to other local "
            "help, and keep support going after treatment ends. Counselors often recommend "
            "them as part of a treatment plan.",
            "Stigma can make the first step hard, and groups vary. If one does not suit you, "
            "try another.",
        ),
    ),
    ("Before you go", (CONFIRM,)),
)
