/** The queue group of every tickets listener: one replica of the service handles each event. */
export const queueGroupName = 'tickets-service';
