"""Everything a detector may read about one interaction, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from compliance_rules.dialogue import Dialogue, RequestReader, build_dialogue
from compliance_rules.lexicon import LexiconSet, Pruned
from compliance_rules.schedule import local_times
from compliance_rules.text import AnalyzedText, analyzer_for, detect_language
from qa.domain import Interaction

#: ``InteractionContext.memo`` key: the (family, turn) pairs hand-written rules flagged, set before the learned layer runs.
RULED_KEY = "ruled"


@dataclass
class InteractionContext:
    interaction: Interaction
    language: str
    texts: list[AnalyzedText]
    speakers: list[str]
    dialogue: Dialogue
    local_starts: list[datetime]
    zone_source: str
    history: list[InteractionContext] = field(default_factory=list)
    # Matches the pruning stages removed, kept for explanation and tuning.
    pruned: list[Pruned] = field(default_factory=list)
    # Results detectors share within this interaction (the learned layer's turn scores).
    memo: dict = field(default_factory=dict)

    @property
    def local_start(self) -> datetime:
        return self.local_starts[0]

    @property
    def is_outbound(self) -> bool:
        return self.interaction.direction == "outbound"

    def collector_turns(self) -> list[int]:
        """Turns whose conduct is judged: the agent's.

        In a recording nobody could attribute (every turn ``unknown``), the
        unknown turns that are not questions are judged, so a mono call still
        gets its threats and insults flagged.
        """
        agent = [i for i, s in enumerate(self.speakers) if s == "agent"]
        if agent:
            return agent
        return [i for i, s in enumerate(self.speakers) if s == "unknown" and not self.texts[i].is_question]

    def first_collector_turn(self) -> int | None:
        turns = self.collector_turns()
        return turns[0] if turns else None


def build_context(interaction: Interaction, lexicons: LexiconSet, reader: RequestReader | None = None) -> InteractionContext:
    turns = interaction.turns or ()
    language = interaction.language or detect_language([t.text for t in turns])
    analyzer = analyzer_for(language)
    texts = [analyzer.analyze(t.text) for t in turns]
    speakers = [t.speaker for t in turns]
    starts, source = local_times(interaction)
    stereo_asr = any(t.asr is not None and t.asr.channel is not None for t in turns)
    far_end = frozenset(i for i, t in enumerate(turns) if t.speaker == "consumer" and t.asr is not None) if stereo_asr else None
    pairs = list(zip(speakers, texts, strict=True))
    dialogue = build_dialogue(pairs, interaction.channel, lexicons, starts[0].date(), reader, far_end)
    return InteractionContext(interaction, language, texts, speakers, dialogue, starts, source)
