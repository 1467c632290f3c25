"""Shapes of the lateness report (issue 17): what is late and who must act."""

from __future__ import annotations

from ...services.reads import lateness_models as lm
from ..derive import read_model

MustActRead = read_model("MustActRead", lm.MustAct, __name__, withheld=False)
LateScheduleEntryRead = read_model("LateScheduleEntryRead", lm.LateScheduleEntry, __name__, withheld=False)
LateOrderRead = read_model("LateOrderRead", lm.LateOrder, __name__, withheld=False)
LateRequirementRead = read_model("LateRequirementRead", lm.LateRequirement, __name__, withheld=False)
LateShipmentRead = read_model("LateShipmentRead", lm.LateShipment, __name__, withheld=False)
WaitingPackageRead = read_model("WaitingPackageRead", lm.WaitingPackage, __name__, withheld=False)
LateReportRead = read_model("LateReportRead", lm.LateReport, __name__, withheld=False)


TodoItemRead = read_model("TodoItemRead", lm.TodoItem, __name__, withheld=False)
TodoRead = read_model("TodoRead", lm.Todo, __name__, withheld=False)
