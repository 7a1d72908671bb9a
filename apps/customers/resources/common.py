"""What the customer kinds' templates share: the example customer, and how a row names a customer."""

# The templates' example customer, which no real customer is: a template uploaded as it is can match nobody. The
# examples of the kinds that name a customer name it too.
EXAMPLE_CUSTOMER = "Example Customer (delete me)"
CUSTOMER_HELP = "The customer's display name or customer number, as in FieldOffice."
# The templates' example customer's number, and its location's name.
EXAMPLE_NUMBER = "EXAMPLE-0001"
EXAMPLE_LOCATION = "Example location"
