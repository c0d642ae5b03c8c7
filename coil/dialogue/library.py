"""Built-in starter prompts, in English and Dutch, that lecturers can copy into an exchange.

Plain data and functions without Flask: the texts are not run through gettext because a
lecturer picks the language the card is written in (usually their own UI language, though a
card may also be meant for an exchange whose working language differs).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Starter:
    """A library prompt: a stable ``key``, its kind, and its text per language."""

    key: str
    kind: str
    texts: dict[str, str]

    def text(self, language: str) -> str:
        """Return the text in ``language``, or in English when the library lacks it."""
        return self.texts.get(language) or self.texts["en"]


def _starters(kind: str, pairs: list[tuple[str, str]]) -> list[Starter]:
    return [
        Starter(f"{kind}-{n}", kind, {"en": en, "nl": nl}) for n, (en, nl) in enumerate(pairs, 1)
    ]


STARTERS: tuple[Starter, ...] = (
    *_starters(
        "icebreaker",
        [
            (
                "Show us something within arm's reach and tell us why it matters to you.",
                "Laat iets zien dat binnen handbereik ligt en vertel waarom het voor jou telt.",
            ),
            (
                "What does a normal weekday look like for a student where you live?",
                "Hoe ziet een gewone doordeweekse dag eruit voor een student bij jou?",
            ),
            (
                "Which word in your language do you wish other languages had?",
                "Welk woord uit jouw taal zou je andere talen gunnen?",
            ),
            (
                "What would a visitor find surprising on your campus or in your city?",
                "Wat zou een bezoeker verrassen op jouw campus of in jouw stad?",
            ),
            (
                "What do you hope to learn from the people in this exchange?",
                "Wat hoop je te leren van de mensen in deze uitwisseling?",
            ),
            (
                "Tell us about a meal that tastes like home to you.",
                "Vertel over een gerecht dat voor jou naar thuis smaakt.",
            ),
        ],
    ),
    *_starters(
        "comparison",
        [
            (
                "How is this topic taught or talked about in your country? What is different "
                "from what you heard today?",
                "Hoe wordt dit onderwerp bij jou behandeld of besproken? Wat is anders dan wat "
                "je vandaag hoorde?",
            ),
            (
                "Which rule or habit that seems obvious where you live might surprise the others?",
                "Welke regel of gewoonte die bij jou vanzelf spreekt, zou de anderen verbazen?",
            ),
            (
                "Find one thing your countries do the same way and one they do differently. Why?",
                "Zoek één ding dat jullie landen hetzelfde doen en één dat ze anders doen. Waarom?",
            ),
            (
                "Who makes decisions about this where you live, and who is left out?",
                "Wie beslist hierover bij jou, en wie doet er niet aan mee?",
            ),
            (
                "Which example from your own surroundings fits this week's material best?",
                "Welk voorbeeld uit je eigen omgeving past het best bij de stof van deze week?",
            ),
            (
                "What would change in your answer if you lived in your partner's country?",
                "Wat zou er aan je antwoord veranderen als je in het land van je partner woonde?",
            ),
        ],
    ),
    *_starters(
        "reflection",
        [
            (
                "What did you understand differently after talking with your team?",
                "Wat begrijp je anders na het gesprek met je team?",
            ),
            (
                "When did working across time zones or languages feel hard, and what helped?",
                "Wanneer voelde samenwerken over tijdzones of talen heen lastig, en wat hielp?",
            ),
            (
                "Which assumption about the other country turned out to be wrong?",
                "Welke aanname over het andere land bleek niet te kloppen?",
            ),
            (
                "What will you do differently in the next part of the project?",
                "Wat ga je anders doen in het volgende deel van het project?",
            ),
            (
                "Whose voice did we hear least today, and how can we change that next time?",
                "Wiens stem hoorden we vandaag het minst, en hoe veranderen we dat een volgende "
                "keer?",
            ),
            (
                "What are you taking with you from this exchange into your studies or work?",
                "Wat neem je uit deze uitwisseling mee naar je studie of werk?",
            ),
        ],
    ),
)

_BY_KEY = {starter.key: starter for starter in STARTERS}


def starter(key: str) -> Starter | None:
    """Return the library prompt with ``key``, if there is one."""
    return _BY_KEY.get(key)


def starters_of(kind: str) -> list[Starter]:
    """Return the library prompts of one kind, in library order."""
    return [s for s in STARTERS if s.kind == kind]
