/** The queue group of every expiration listener: one replica of the service handles each event. */
export const queueGroupName = 'expiration-service';
