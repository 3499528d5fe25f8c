import { type CallDto, type WrapUpRequest } from '@contracts/dto/call';
import { type ContactDto, type CreateContactRequest } from '@contracts/dto/contact';
import { type CreateDealRequest, type DealDto } from '@contracts/dto/deal';
import { type LeadDto } from '@contracts/dto/lead';
import { type CreateTaskRequest, type TaskDto } from '@contracts/dto/task';
import { http } from '@client/api/http';

const id = (value: string) => encodeURIComponent(value);

/** REST the live pop card uses: wrap-up, and the CRM records created from the card. */
export const livePopApi = {
  wrapUp: (callId: string, body: WrapUpRequest) => http.patch<CallDto>(`/api/calls/${id(callId)}/wrap-up`, body),
  createTask: (body: CreateTaskRequest) => http.post<TaskDto>('/api/tasks', body),
  createDeal: (body: CreateDealRequest) => http.post<DealDto>('/api/deals', body),
  /** Lead → contact: the contact with the lead's number, then the lead marked converted and linked to it. */
  convertLead: async (leadId: string, contact: CreateContactRequest): Promise<ContactDto> => {
    const created = await http.post<ContactDto>('/api/contacts', contact);
    await http.patch<LeadDto>(`/api/leads/${id(leadId)}`, { status: 'converted', contactId: created.id });
    return created;
  },
};
