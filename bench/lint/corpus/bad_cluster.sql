CLUSTER orders USING ix_orders_user;
