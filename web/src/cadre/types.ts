// The API's answers this app reads (fieldwork_api.cpp TaskJson,
// appeals_api.cpp AppealJson).

export interface Task {
  household: string;
  need: string;
  task: string;
  target: string;
  deadline: string;
  level: 'major' | 'normal';
  status: string;
  progress: number;
  notes: string;
  overdue: boolean;
}

export interface Appeal {
  id: string;
  household: string | null;
  type: string;
  type_label: string;
  topic: string;
  topic_label: string;
  urgency: string;
  urgency_label: string;
  content: string;
  state: string;
  state_label: string;
  received_at: string | null;
  deadline: string | null;
  overdue: boolean;
  extended: boolean;
  reply: string;
}

export interface AppealStep {
  seq: number;
  action: string;
  action_label: string;
  at: string;
  actor: string;
  note: string;
  state: string;
}

export interface AppealDetail extends Appeal {
  steps: AppealStep[];
  actions: string[];
}
