/** The queue group of every orders listener: one replica of the service handles each event. */
export const queueGroupName = 'orders-service';
