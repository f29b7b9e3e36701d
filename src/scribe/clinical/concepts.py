"""What a note's concepts are called in the five Invox languages, so a field matches by meaning.

A typed field named "Diagnosis" ("Diagnóstico", "Diagnòstic") is about what a note calls the
assessment or impression; "Treatment" is about the plan; "Current medication" about the
medications. Each group holds the words (en, es, ca, pt-BR, pt-PT) that name one concept; a field
word that names a concept brings in the group's other words as weaker cues.
"""

from __future__ import annotations

_GROUPS: tuple[str, ...] = (
    # diagnosis <-> assessment
    "diagnosis diagnoses assessment impression diagnostico diagnosticos valoracion juicio"
    " impresion diagnostic diagnostics avaluacio valoracio diagnosticar avaliacao impressao",
    # treatment <-> plan
    "treatment plan therapy management tratamiento plan terapia conducta manejo tractament pla"
    " tratamento plano conduta",
    # current medication <-> medications
    "medication medications medicines drugs prescriptions medicacion medicamentos farmacos"
    " medicacio medicaments farmacs medicacao remedios",
    # chief complaint <-> reason for visit
    "complaint reason motivo consulta motiu queixa queja",
    # history <-> background
    "history background antecedentes antecedents historial historia historico",
    # examination <-> physical findings
    "examination exam exploracion exploracio exame fisico physical findings hallazgos troballes"
    " achados",
    # follow-up <-> return visit
    "followup follow seguimiento revision control seguiment retorno acompanhamento",
)


def groups() -> tuple[tuple[str, ...], ...]:
    """The concept groups as word tuples."""
    return tuple(tuple(group.split()) for group in _GROUPS)
