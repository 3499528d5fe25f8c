import { type CallDto, type ChooseCallContactRequest, type WrapUpRequest } from '@contracts/dto/call';
import { type CallCard } from '@contracts/dto/call-card';
import { type CreateDealRequest, type DealDto } from '@contracts/dto/deal';
import { type ConvertLeadRequest, type ConvertLeadResponse } from '@contracts/dto/lead';
import { type CreateTaskRequest, type TaskDto } from '@contracts/dto/task';
import { http } from '@client/api/http';

const id = (value: string) => encodeURIComponent(value);

/** REST the live pop card uses: wrap-up, the caller's pick, and the CRM records created from the card. */
export const livePopApi = {
  /** The card as the viewer's screen shows it now (the chosen contact, the campaign mark): rebuilt after a reload. */
  card: (callId: string, signal?: AbortSignal) => http.get<unknown>(`/api/calls/${id(callId)}/card`, { signal }),
  wrapUp: (callId: string, body: WrapUpRequest) => http.patch<CallDto>(`/api/calls/${id(callId)}/wrap-up`, body),
  /** The caller among the contacts that share the number, kept for this call; answers the chosen contact's card. */
  chooseContact: (callId: string, body: ChooseCallContactRequest) =>
    http.put<CallCard>(`/api/calls/${id(callId)}/contact`, body),
  createTask: (body: CreateTaskRequest) => http.post<TaskDto>('/api/tasks', body),
  createDeal: (body: CreateDealRequest) => http.post<DealDto>('/api/deals', body),
  /** Lead → contact with the lead's number (and a first deal), the lead marked converted: one server transaction. */
  convertLead: (leadId: string, body: ConvertLeadRequest) =>
    http.post<ConvertLeadResponse>(`/api/leads/${id(leadId)}/convert`, body),
};
