"""The platform's default rubric: the six dimensions of the AAC&U Intercultural Knowledge and
Competence VALUE rubric, with short descriptors written for this project (in English, Dutch
and Spanish). The dimension and level names follow AAC&U; the descriptors are our own
paraphrase, not AAC&U's text. AAC&U says the VALUE rubrics serve evidence and institutional
evaluation, not grading: the platform shows levels as evidence, never as a grade.
"""

from __future__ import annotations

KEY = "aacu-ikc-value"
SOURCE = (
    "Association of American Colleges and Universities (AAC&U), Intercultural Knowledge and "
    "Competence VALUE Rubric (2009); descriptors paraphrased for COIL."
)
NAME = {
    "en": "Intercultural knowledge and competence (AAC&U VALUE)",
    "nl": "Interculturele kennis en competentie (AAC&U VALUE)",
    "es": "Conocimiento y competencia intercultural (AAC&U VALUE)",
}
DESCRIPTION = {
    "en": "Six dimensions of intercultural learning, from Benchmark 1 to Capstone 4.",
    "nl": "Zes dimensies van intercultureel leren, van Benchmark 1 tot Capstone 4.",
    "es": "Seis dimensiones del aprendizaje intercultural, de Punto de partida 1 a Culminación 4.",
}

LEVELS = {
    0: {"en": "Below Benchmark", "nl": "Onder Benchmark", "es": "Por debajo del punto de partida"},
    1: {"en": "Benchmark 1", "nl": "Benchmark 1", "es": "Punto de partida 1"},
    2: {"en": "Milestones 2", "nl": "Mijlpaal 2", "es": "Hito 2"},
    3: {"en": "Milestones 3", "nl": "Mijlpaal 3", "es": "Hito 3"},
    4: {"en": "Capstone 4", "nl": "Capstone 4", "es": "Culminación 4"},
}

KNOWLEDGE = {"en": "Knowledge", "nl": "Kennis", "es": "Conocimiento"}
SKILLS = {"en": "Skills", "nl": "Vaardigheden", "es": "Habilidades"}
ATTITUDES = {"en": "Attitudes", "nl": "Houding", "es": "Actitudes"}

BELOW = {
    "en": "No evidence yet of the Benchmark level.",
    "nl": "Nog geen bewijs van het Benchmark-niveau.",
    "es": "Aún no hay evidencia del nivel de punto de partida.",
}

# key, group, name, descriptors for levels 1 to 4
DIMENSIONS: list[tuple[str, dict[str, str], dict[str, str], list[dict[str, str]]]] = [
    (
        "self_awareness",
        KNOWLEDGE,
        {
            "en": "Cultural self-awareness",
            "nl": "Cultureel zelfbewustzijn",
            "es": "Autoconciencia cultural",
        },
        [
            {
                "en": "Notices some of their own cultural habits when others point them out.",
                "nl": "Merkt eigen culturele gewoonten op als anderen erop wijzen.",
                "es": "Nota algunos de sus hábitos culturales cuando otros se los señalan.",
            },
            {
                "en": "Names their own cultural rules and biases and starts to question them.",
                "nl": "Benoemt eigen culturele regels en vooroordelen en begint ze te bevragen.",
                "es": "Nombra sus propias reglas y sesgos culturales y empieza a cuestionarlos.",
            },
            {
                "en": "Explains how their own culture shapes what they see as normal.",
                "nl": "Legt uit hoe de eigen cultuur bepaalt wat zij normaal vinden.",
                "es": "Explica cómo su cultura moldea lo que considera normal.",
            },
            {
                "en": "Reflects on their own culture from other perspectives and adjusts.",
                "nl": "Bekijkt de eigen cultuur vanuit andere perspectieven en past zich aan.",
                "es": "Reflexiona sobre su cultura desde otras perspectivas y se ajusta.",
            },
        ],
    ),
    (
        "worldview",
        KNOWLEDGE,
        {
            "en": "Knowledge of cultural worldview frameworks",
            "nl": "Kennis van culturele wereldbeelden",
            "es": "Conocimiento de marcos culturales de visión del mundo",
        },
        [
            {
                "en": "Knows a few facts about another culture's history, values or customs.",
                "nl": "Kent enkele feiten over geschiedenis, waarden of gewoonten van een andere cultuur.",
                "es": "Conoce algunos datos sobre la historia, valores o costumbres de otra cultura.",
            },
            {
                "en": "Describes some elements of another culture's worldview.",
                "nl": "Beschrijft enkele elementen van het wereldbeeld van een andere cultuur.",
                "es": "Describe algunos elementos de la visión del mundo de otra cultura.",
            },
            {
                "en": "Explains how history, values and politics shape another culture's view.",
                "nl": "Legt uit hoe geschiedenis, waarden en politiek een ander wereldbeeld vormen.",
                "es": "Explica cómo la historia, los valores y la política moldean otra visión.",
            },
            {
                "en": "Compares worldviews in depth and uses that in the team's work.",
                "nl": "Vergelijkt wereldbeelden diepgaand en gebruikt dat in het teamwerk.",
                "es": "Compara visiones del mundo en profundidad y lo aplica al trabajo del equipo.",
            },
        ],
    ),
    (
        "empathy",
        SKILLS,
        {"en": "Empathy", "nl": "Empathie", "es": "Empatía"},
        [
            {
                "en": "Sees others' experiences mostly through their own worldview.",
                "nl": "Ziet ervaringen van anderen vooral door het eigen wereldbeeld.",
                "es": "Ve las experiencias ajenas sobre todo desde su propia visión.",
            },
            {
                "en": "Recognises that others may feel or see a situation differently.",
                "nl": "Erkent dat anderen een situatie anders kunnen voelen of zien.",
                "es": "Reconoce que otros pueden sentir o ver una situación de otra manera.",
            },
            {
                "en": "Takes another's perspective and acts on it in some situations.",
                "nl": "Neemt het perspectief van een ander in en handelt er soms naar.",
                "es": "Adopta la perspectiva de otra persona y a veces actúa en consecuencia.",
            },
            {
                "en": "Moves between perspectives and acts supportively on others' feelings.",
                "nl": "Wisselt tussen perspectieven en reageert steunend op gevoelens van anderen.",
                "es": "Se mueve entre perspectivas y responde con apoyo a los sentimientos ajenos.",
            },
        ],
    ),
    (
        "communication",
        SKILLS,
        {
            "en": "Verbal and nonverbal communication",
            "nl": "Verbale en non-verbale communicatie",
            "es": "Comunicación verbal y no verbal",
        },
        [
            {
                "en": "Is aware that communication styles differ between cultures.",
                "nl": "Is zich bewust dat communicatiestijlen per cultuur verschillen.",
                "es": "Es consciente de que los estilos de comunicación varían entre culturas.",
            },
            {
                "en": "Notices misunderstandings and tries to clear them up.",
                "nl": "Merkt misverstanden op en probeert ze op te helderen.",
                "es": "Nota los malentendidos e intenta aclararlos.",
            },
            {
                "en": "Adapts their style to reach shared understanding most of the time.",
                "nl": "Past de eigen stijl meestal aan om tot gedeeld begrip te komen.",
                "es": "Adapta su estilo para lograr comprensión mutua la mayoría de las veces.",
            },
            {
                "en": "Negotiates a shared understanding, also on sensitive matters.",
                "nl": "Onderhandelt over gedeeld begrip, ook bij gevoelige onderwerpen.",
                "es": "Negocia una comprensión compartida, también en temas delicados.",
            },
        ],
    ),
    (
        "curiosity",
        ATTITUDES,
        {"en": "Curiosity", "nl": "Nieuwsgierigheid", "es": "Curiosidad"},
        [
            {
                "en": "Asks simple questions about other cultures.",
                "nl": "Stelt eenvoudige vragen over andere culturen.",
                "es": "Hace preguntas sencillas sobre otras culturas.",
            },
            {
                "en": "Asks deeper questions and shows interest in the answers.",
                "nl": "Stelt diepere vragen en toont interesse in de antwoorden.",
                "es": "Hace preguntas más profundas y muestra interés por las respuestas.",
            },
            {
                "en": "Looks for answers from several sources and perspectives.",
                "nl": "Zoekt antwoorden bij meerdere bronnen en perspectieven.",
                "es": "Busca respuestas en varias fuentes y perspectivas.",
            },
            {
                "en": "Asks complex questions and seeks out answers that reflect many views.",
                "nl": "Stelt complexe vragen en zoekt antwoorden die veel perspectieven tonen.",
                "es": "Formula preguntas complejas y busca respuestas que reflejen muchas visiones.",
            },
        ],
    ),
    (
        "openness",
        ATTITUDES,
        {"en": "Openness", "nl": "Openheid", "es": "Apertura"},
        [
            {
                "en": "Is willing to interact with people of other cultures.",
                "nl": "Is bereid om met mensen uit andere culturen om te gaan.",
                "es": "Está dispuesto a relacionarse con personas de otras culturas.",
            },
            {
                "en": "Begins to start interactions and to suspend judgement.",
                "nl": "Begint zelf contact te zoeken en het eigen oordeel uit te stellen.",
                "es": "Empieza a iniciar interacciones y a suspender el juicio.",
            },
            {
                "en": "Seeks out interactions and suspends judgement in most of them.",
                "nl": "Zoekt contact op en stelt het eigen oordeel meestal uit.",
                "es": "Busca interacciones y suspende el juicio en la mayoría de ellas.",
            },
            {
                "en": "Initiates and builds relationships across cultures without judging.",
                "nl": "Legt en onderhoudt relaties over culturen heen zonder te oordelen.",
                "es": "Inicia y construye relaciones entre culturas sin juzgar.",
            },
        ],
    ),
]

DIMENSION_KEYS = tuple(key for key, *_rest in DIMENSIONS)
