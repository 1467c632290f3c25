"""The public log: public events, proofs and revealed values."""

from __future__ import annotations

from ...services.reads import report_models as rm
from ..derive import page_of, read_model

RevealedValueRead = read_model("RevealedValueRead", rm.RevealedValue, __name__, withheld=False)
PublicEventRead = read_model("PublicEventRead", rm.PublicEvent, __name__, withheld=False)
InclusionProofRead = read_model("InclusionProofRead", rm.InclusionProof, __name__, withheld=False)
ConsistencyProofRead = read_model("ConsistencyProofRead", rm.ConsistencyProof, __name__, withheld=False)
RevealedRead = read_model("RevealedRead", rm.Revealed, __name__, withheld=False)
RevealRead = read_model("RevealRead", rm.Reveal, __name__, withheld=False)
PublicEventPage = page_of("PublicEventPage", PublicEventRead, __name__)
