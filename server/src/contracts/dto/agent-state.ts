export type AgentStateName = 'available' | 'break' | 'wrap-up' | 'offline' | 'on-call' | 'ringing';
