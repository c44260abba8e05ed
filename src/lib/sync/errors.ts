import { IntegrationError } from '../errors';

/** Another writer changed the checkpoint since this run read it. */
export class CheckpointConflictError extends IntegrationError {
  override readonly name: string = 'CheckpointConflictError';
}

/** The run lost its lease (renewal failed) and stopped so two runs never write at once. */
export class LeaseLostError extends IntegrationError {
  override readonly name: string = 'LeaseLostError';
}
