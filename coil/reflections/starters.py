"""The starter set of reflection prompts, in English, Dutch and Spanish, by exchange phase.

Plain data without Flask. Each starter names the phase it suits (the keys of
``coil.exchanges.models.DEFAULT_PHASES``) and the dimensions of the default rubric it asks
about (``coil.rubrics.value``). A picked starter is copied into the exchange with all three
texts, so every student reads it in their own language (``coil.rubrics.text.localised``).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "nl", "es")


@dataclass(frozen=True)
class Starter:
    """A prompt of the starter set: a stable ``key``, its phase, dimensions and texts."""

    key: str
    phase: str
    dimensions: tuple[str, ...]
    texts: dict[str, str]


def _starters(phase: str, items: list[tuple[tuple[str, ...], str, str, str]]) -> list[Starter]:
    return [
        Starter(f"{phase}-{n}", phase, dimensions, {"en": en, "nl": nl, "es": es})
        for n, (dimensions, en, nl, es) in enumerate(items, 1)
    ]


STARTERS: tuple[Starter, ...] = (
    *_starters(
        "icebreaker",
        [
            (
                ("self_awareness",),
                "Describe one habit or value from your own background that you only noticed "
                "once you met your exchange partners. Where do you think it comes from?",
                "Beschrijf een gewoonte of waarde uit je eigen achtergrond die je pas opviel "
                "toen je je uitwisselingspartners leerde kennen. Waar komt die volgens jou "
                "vandaan?",
                "Describe un hábito o un valor de tu propio entorno que solo notaste al conocer "
                "a tus compañeros de intercambio. ¿De dónde crees que viene?",
            ),
            (
                ("curiosity",),
                "What would you like to ask your partners about their lives and studies? Which "
                "of those questions have you asked already, and what did you learn?",
                "Wat zou je je partners willen vragen over hun leven en hun studie? Welke van "
                "die vragen heb je al gesteld, en wat heb je geleerd?",
                "¿Qué te gustaría preguntar a tus compañeros sobre su vida y sus estudios? ¿Qué "
                "preguntas ya has hecho y qué aprendiste?",
            ),
            (
                ("openness", "communication"),
                "How did your first meeting with your team go? Describe a moment when you were "
                "unsure what someone meant, and what you did about it.",
                "Hoe verliep je eerste ontmoeting met je team? Beschrijf een moment waarop je "
                "niet zeker wist wat iemand bedoelde, en wat je toen deed.",
                "¿Cómo fue tu primer encuentro con tu equipo? Describe un momento en que no "
                "sabías bien qué quería decir alguien y qué hiciste al respecto.",
            ),
        ],
    ),
    *_starters(
        "comparison",
        [
            (
                ("worldview",),
                "Choose one topic from this week's material. How is it understood in your "
                "country, and how in your partners'? Which historical, economic or social "
                "factors might explain the difference?",
                "Kies een onderwerp uit de stof van deze week. Hoe wordt het in jouw land "
                "begrepen, en hoe in dat van je partners? Welke historische, economische of "
                "maatschappelijke factoren kunnen het verschil verklaren?",
                "Elige un tema del material de esta semana. ¿Cómo se entiende en tu país y cómo "
                "en el de tus compañeros? ¿Qué factores históricos, económicos o sociales "
                "podrían explicar la diferencia?",
            ),
            (
                ("empathy",),
                "Describe a situation from the exchange from a partner's point of view. What "
                "might they have thought or felt, and why?",
                "Beschrijf een situatie uit de uitwisseling vanuit het gezichtspunt van een "
                "partner. Wat heeft die misschien gedacht of gevoeld, en waarom?",
                "Describe una situación del intercambio desde el punto de vista de un compañero. "
                "¿Qué pudo haber pensado o sentido, y por qué?",
            ),
            (
                ("self_awareness", "worldview"),
                "Which assumption about your partners' country, or about your own, turned out "
                "to be incomplete or wrong? What made you see it differently?",
                "Welke aanname over het land van je partners, of over je eigen land, bleek "
                "onvolledig of onjuist? Waardoor ging je het anders zien?",
                "¿Qué suposición sobre el país de tus compañeros, o sobre el tuyo, resultó "
                "incompleta o equivocada? ¿Qué te hizo verla de otra manera?",
            ),
        ],
    ),
    *_starters(
        "collaboration",
        [
            (
                ("communication",),
                "How does your team make decisions and handle disagreement? Give an example, "
                "and say what works across your languages and time zones and what does not.",
                "Hoe neemt je team beslissingen en hoe gaat het om met meningsverschillen? Geef "
                "een voorbeeld, en zeg wat over talen en tijdzones heen werkt en wat niet.",
                "¿Cómo toma decisiones tu equipo y cómo maneja los desacuerdos? Da un ejemplo y "
                "explica qué funciona entre idiomas y zonas horarias y qué no.",
            ),
            (
                ("openness",),
                "Describe an idea or a way of working from a teammate that you resisted at "
                "first. What happened when you tried it?",
                "Beschrijf een idee of werkwijze van een teamgenoot waar je eerst weerstand "
                "tegen had. Wat gebeurde er toen je het probeerde?",
                "Describe una idea o una forma de trabajar de un compañero que al principio "
                "rechazaste. ¿Qué pasó cuando la probaste?",
            ),
            (
                ("empathy", "communication"),
                "Whose voice is heard least in your team, and why might that be? What could "
                "you do so that everyone contributes?",
                "Wiens stem wordt het minst gehoord in je team, en hoe zou dat komen? Wat kun "
                "jij doen zodat iedereen bijdraagt?",
                "¿Qué voz se escucha menos en tu equipo y por qué podría ser? ¿Qué podrías "
                "hacer para que todos contribuyan?",
            ),
        ],
    ),
    *_starters(
        "reflection",
        [
            (
                ("self_awareness",),
                "Read your first reflection again. What do you now see differently about "
                "yourself and your own culture?",
                "Lees je eerste reflectie nog eens. Wat zie je nu anders aan jezelf en aan je "
                "eigen cultuur?",
                "Vuelve a leer tu primera reflexión. ¿Qué ves ahora de otra manera sobre ti y "
                "sobre tu propia cultura?",
            ),
            (
                ("curiosity", "openness"),
                "Which question about your partners' culture is still open for you, and how "
                "would you go about answering it?",
                "Welke vraag over de cultuur van je partners staat voor jou nog open, en hoe "
                "zou je die gaan beantwoorden?",
                "¿Qué pregunta sobre la cultura de tus compañeros sigue abierta para ti y cómo "
                "intentarías responderla?",
            ),
            (
                ("communication", "empathy", "worldview"),
                "Which skill from this exchange will you take into your studies or work? "
                "Describe a situation in which you expect to use it.",
                "Welke vaardigheid uit deze uitwisseling neem je mee naar je studie of werk? "
                "Beschrijf een situatie waarin je verwacht die te gebruiken.",
                "¿Qué habilidad de este intercambio llevarás a tus estudios o a tu trabajo? "
                "Describe una situación en la que esperas usarla.",
            ),
        ],
    ),
)

_BY_KEY = {starter.key: starter for starter in STARTERS}


def starter(key: str) -> Starter | None:
    """Return the starter with ``key``, if there is one."""
    return _BY_KEY.get(key)


def starters_for(phase: str) -> list[Starter]:
    """Return the starters that suit one phase, in set order."""
    return [s for s in STARTERS if s.phase == phase]
