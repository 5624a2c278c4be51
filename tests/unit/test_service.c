#include "unit.h"
Suite *service_suite(void)
{
	return suite_create("service");
}
