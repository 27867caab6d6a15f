export type OrgState = 'active' | 'removed';

export interface Org {
  id: string;
  name: string;
  state: OrgState;
  sequence: number;
  creationDate: Date;
  changeDate: Date;
}
