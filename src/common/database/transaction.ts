import { EntityManager } from 'typeorm';

/**
 * An open database transaction, handed from the transaction runner through the core to the
 * repositories. Only repositories look inside it.
 */
export type Transaction = EntityManager;
